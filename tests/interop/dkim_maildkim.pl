#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# dkim_maildkim.pl - Mail::DKIM (libmail-dkim-perl) as a peer for the DKIM
# interop test, offline.
#
#   dkim_maildkim.pl sign ALG CANON DOMAIN SELECTOR KEYFILE < msg > sig
#       prints the DKIM-Signature field (CRLF) to prepend
#   dkim_maildkim.pl verify KEYS.ZONE < msg
#       prints one line per signature: "RESULT s=SELECTOR a=ALG"
#
# KEYS.ZONE has lines "qname record"; DNS is replaced by a fake resolver
# answering TXT questions from it (Mail::DKIM::DNS::resolver).
use strict;
use warnings;
use Mail::DKIM::Signer;
use Mail::DKIM::Verifier;
use Mail::DKIM::TextWrap;
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
		# one RR, the record cut into strings of at most 255 bytes
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

sub read_msg {
	local $/;
	my $m = <STDIN>;
	$m =~ s/\r?\n/\r\n/g;
	return $m;
}

my $cmd = shift @ARGV // '';
if ($cmd eq 'sign') {
	my ($alg, $canon, $domain, $sel, $keyfile) = @ARGV;
	my $d = Mail::DKIM::Signer->new(
		Algorithm => $alg, Method => $canon, Domain => $domain,
		Selector => $sel, KeyFile => $keyfile,
		Headers => 'from:to:subject:date:message-id');
	$d->PRINT(read_msg());
	$d->CLOSE;
	my $sig = $d->signature->as_string;
	$sig =~ s/\r?\n/\r\n/g;
	print $sig, "\r\n";
} elsif ($cmd eq 'verify') {
	my %keys;
	open(my $fh, '<', $ARGV[0]) or die "$ARGV[0]: $!";
	while (my $l = <$fh>) {
		chomp $l;
		my ($n, $r) = split(/ /, $l, 2);
		$keys{lc $n} = $r if defined $r;
	}
	close $fh;
	Mail::DKIM::DNS::resolver(FakeResolver->new(\%keys));
	my $v = Mail::DKIM::Verifier->new();
	$v->PRINT(read_msg());
	$v->CLOSE;
	foreach my $s ($v->signatures) {
		printf "%s s=%s a=%s\n", $s->result, $s->selector,
			$s->algorithm;
	}
} else {
	die "usage: $0 sign ALG CANON DOMAIN SELECTOR KEY | verify KEYS\n";
}
