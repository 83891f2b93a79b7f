#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# arc_maildkim.pl - Mail::DKIM's ARC verifier (libmail-dkim-perl) as a
# peer for the ARC interop test, offline.
#
#   arc_maildkim.pl KEYS.ZONE < msg
#       prints the chain result: "pass", "fail" or "none", then its
#       details
#
# KEYS.ZONE has lines "qname record"; DNS is replaced by a fake resolver
# answering TXT questions from it (Mail::DKIM::DNS::resolver).
use strict;
use warnings;
use Mail::DKIM::ARC::Verifier;
use Mail::DKIM::DNS;
use Net::DNS;

package FakeResolver;

sub new {
	my ($class, $keys) = @_;
	return bless { keys => $keys, err => 'NOERROR' }, $class;
}

sub send {
	my ($self, $name, $type) = @_;
	$name =~ s/\.$//;
	my $pkt = Net::DNS::Packet->new($name, $type, 'IN');
	my $rec = $self->{keys}{lc $name};
	if (defined $rec && uc $type eq 'TXT') {
		my @chunks = unpack('(A255)*', $rec);
		$pkt->push(answer => Net::DNS::RR->new(name => $name,
			type => 'TXT', ttl => 300, txtdata => \@chunks));
		$pkt->header->rcode('NOERROR');
	} else {
		$pkt->header->rcode('NXDOMAIN');
	}
	return $pkt;
}

sub errorstring { return $_[0]{err}; }

package main;

my %keys;
open(my $z, '<', $ARGV[0]) or die "$ARGV[0]: $!";
while (<$z>) {
	chomp;
	next unless /^(\S+)\s+(.*)$/;
	$keys{lc $1} = $2;
}
close($z);
Mail::DKIM::DNS::resolver(FakeResolver->new(\%keys));

local $/;
my $m = <STDIN>;
$m =~ s/\r?\n/\r\n/g;
my $arc = Mail::DKIM::ARC::Verifier->new(Strict => 1);
$arc->PRINT($m);
$arc->CLOSE;
print $arc->result, " ", ($arc->result_detail // ''), "\n";
