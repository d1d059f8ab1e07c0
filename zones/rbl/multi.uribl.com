# multi.uribl.com: domain list, last octet is a bitmask
# (2 black, 4 grey, 8 red; 127.0.0.1 = query refused).
# Test points: test.uribl.com -> 127.0.0.14, 2.0.0.127 (URIBL's other
# documented point) -> 127.0.0.2, INVALID not listed. RFC 5782 TEST -> 127.0.0.2
# too, though the catalog no longer asks it (URIBL does not document it). URIBL holds registrable domains only: clients strip host
# parts (www.spammy-bad.test is asked as spammy-bad.test).
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
:127.0.0.2:Listed by URIBL, see https://admin.uribl.com/?section=lookup&query=$
test.uribl.com :127.0.0.14
2.0.0.127
test
spammy-bad.test
grey-bad.test :127.0.0.4
mixed-bad.test :127.0.0.10
