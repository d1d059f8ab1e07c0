# all.spamrats.com: test point 127.0.0.2 -> 127.0.0.2; listings use 127.0.0.38 (RATS-Spam).
$SOA 0 ns.world.test. hostmaster.world.test. 0 600 300 86400 0
$NS 0 ns.world.test.
:127.0.0.2:SpamRATS listing, see https://www.spamrats.com/lookup.php?ip=$
127.0.0.2
192.0.2.12 :127.0.0.38
