# bl.nordspam.com: IPv4 and IPv6. 127.0.0.2 answers 127.0.0.2 with NordSpam's
# TXT; rbldnsd answers the IPv6 test point ::FFFF:7F00:2 from the same entry
# (IPv4-mapped lookup), as nordspam.com/usage documents for the real list.
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
:127.0.0.2:RFC5782 TEST-record.
127.0.0.2
