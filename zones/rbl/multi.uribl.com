# multi.uribl.com: domain list, last octet is a bitmask
# (2 black, 4 grey, 8 red; 127.0.0.1 = query refused).
# Test points: test.uribl.com -> 127.0.0.14, RFC 5782 TEST -> 127.0.0.2,
# INVALID not listed.
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
:127.0.0.2:Listed by URIBL, see https://admin.uribl.com/?section=lookup&query=$
test.uribl.com :127.0.0.14
test
spammy.example-bad.test
grey.example-bad.test :127.0.0.4
mixed.example-bad.test :127.0.0.10
