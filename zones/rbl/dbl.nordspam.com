# dbl.nordspam.com: domain list; TEST (test.dbl.nordspam.com) -> 127.0.0.2,
# INVALID not listed.
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
:127.0.0.2:RFC5782 TEST-record.
test
