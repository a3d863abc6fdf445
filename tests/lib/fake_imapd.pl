#!/usr/bin/perl
# fake_imapd.pl: a scripted IMAP server for what Dovecot does too rarely
# to test: it announces new mail (EXISTS) inside the response to a UID
# FETCH, as RFC 3501 allows, and never again, not even during a later
# IDLE. Plain text on 127.0.0.1, one client at a time, core Perl only.
#
#   fake_imapd.pl PORTFILE LOG
#
# Listens on a free port (written to PORTFILE), logs each command to LOG.
# The folder INBOX starts with message 1; the first UID FETCH that returns
# it adds message 2 and says "* 2 EXISTS" before its tagged OK.
use strict;
use warnings;
use IO::Socket::INET;

my ($portfile, $logfile) = @ARGV;
my $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
    Listen => 5, ReuseAddr => 1) or die "listen: $!";
open(my $log, '>>', $logfile) or die "$logfile: $!";
$log->autoflush(1);
open(my $pf, '>', "$portfile.tmp") or die "$portfile: $!";
print $pf $server->sockport(), "\n";
close($pf);
rename("$portfile.tmp", $portfile) or die "rename: $!";

sub message {
	my ($n) = @_;
	my $text = "From: Fake <fake\@example.org>\r\n"
	    . "Subject: fake message $n\r\n"
	    . "Date: Mon, 6 May 2024 10:00:00 +0000\r\n"
	    . "Message-ID: <fake$n\@test.example>\r\n\r\n"
	    . "Body of fake message $n.\r\n";
	return $text;
}

my @uids = (1);
my $announced = 0;

sub in_set {
	my ($uid, $set) = @_;
	for my $part (split /,/, $set) {
		my ($lo, $hi) = split /:/, $part;
		$hi = $lo unless defined $hi;
		$hi = 4294967295 if $hi eq '*';
		$lo = $uids[-1] if $lo eq '*';
		($lo, $hi) = ($hi, $lo) if $lo > $hi;
		return 1 if $uid >= $lo && $uid <= $hi;
	}
	return 0;
}

sub serve {
	my ($c) = @_;
	my $caps = "IMAP4rev1 IDLE LITERAL+";
	print $c "* OK [CAPABILITY $caps] fake ready\r\n";
	while (my $line = <$c>) {
		$line =~ s/\r?\n$//;
		print $log "$line\n";
		my ($tag, $cmd, $rest) = $line =~ /^(\S+) (\S+) ?(.*)$/ or next;
		$cmd = uc $cmd;
		if ($cmd eq 'CAPABILITY') {
			print $c "* CAPABILITY $caps\r\n$tag OK done\r\n";
		} elsif ($cmd eq 'EXAMINE' || $cmd eq 'SELECT') {
			my $n = scalar @uids;
			print $c "* FLAGS (\\Seen)\r\n* $n EXISTS\r\n"
			    . "* 0 RECENT\r\n"
			    . "* OK [UIDVALIDITY 42] ok\r\n"
			    . "* OK [UIDNEXT " . ($uids[-1] + 1) . "] ok\r\n"
			    . "$tag OK [READ-ONLY] done\r\n";
		} elsif ($cmd eq 'UID' && $rest =~ /^SEARCH UID (\S+)/i) {
			my $set = $1;
			my @hits = grep { in_set($_, $set) } @uids;
			print $c "* SEARCH @hits\r\n$tag OK done\r\n";
		} elsif ($cmd eq 'UID' && $rest =~ /^FETCH (\S+)/i) {
			my $set = $1;
			my $seq = 0;
			for my $uid (@uids) {
				$seq++;
				next unless in_set($uid, $set);
				my $m = message($uid);
				printf $c "* %d FETCH (UID %d INTERNALDATE "
				    . "\"06-May-2024 10:00:00 +0000\" BODY[] "
				    . "{%d}\r\n%s)\r\n", $seq, $uid,
				    length($m), $m;
			}
			if (!$announced) {
				# Mail arrives while the FETCH runs: said once.
				push @uids, 2;
				$announced = 1;
				print $c "* 2 EXISTS\r\n";
			}
			print $c "$tag OK done\r\n";
		} elsif ($cmd eq 'IDLE') {
			print $c "+ idling\r\n";
			my $done = <$c>;
			last unless defined $done;
			print $log $done;
			print $c "$tag OK idle done\r\n";
		} elsif ($cmd eq 'LOGOUT') {
			print $c "* BYE bye\r\n$tag OK done\r\n";
			last;
		} else {
			print $c "$tag OK done\r\n";
		}
		$c->flush();
	}
	close($c);
}

$| = 1;
while (my $c = $server->accept()) {
	$c->autoflush(1);
	serve($c);
}
