# psbl.surriel.com: PARKED (expired domain with a parking wildcard).
# psbl.surriel.com.acl answers A 91.195.240.117 (outside 127/8, no TXT) for
# every name, so every IP looks "listed"; a checker must reject the answer.
# rbldnsd needs one real dataset per zone besides the ACL; this placeholder
# entry is never visible.
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
127.0.0.2
