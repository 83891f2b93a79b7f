#!/usr/bin/perl
# dmarc_maildmarc.pl - Mail::DMARC (PurePerl, RFC 7489) as a peer for
# dmarc_peers.py. Usage:
#   dmarc_maildmarc.pl FROM-HEADER-VALUE MAILFROM-DOMAIN SPF-RESULT \
#       [DKIM-RESULT:DOMAIN ...]
# It looks the records up itself (Net::DNS, /etc/resolv.conf) and prints
# one JSON object: result, disposition, reason, policy domain.
use strict;
use warnings;
use JSON::PP;
use Mail::DMARC::PurePerl;

my ($from, $mfrom, $spf, @dkim) = @ARGV;
my %out;
eval {
	my $d = Mail::DMARC::PurePerl->new;
	# the peer's own From handling: it reads the raw header value
	$d->header_from_raw($from);
	$d->source_ip('192.0.2.99');
	$d->envelope_from($mfrom) if $mfrom ne '';
	$d->spf([{ domain => $mfrom, scope => 'mfrom', result => $spf }])
		if $mfrom ne '' && $spf ne '';
	my @sigs;
	for my $s (@dkim) {
		my ($res, $dom) = split /:/, $s, 2;
		push @sigs, { domain => $dom, selector => 's1',
			result => $res };
	}
	$d->dkim(\@sigs);
	my $r = $d->validate();
	$out{result} = $r->result;
	$out{disposition} = $r->disposition;
	my @why = map { ($_->{type} // '') . ':' . ($_->{comment} // '') }
		@{ $r->reason || [] };
	$out{reason} = join('; ', @why);
	1;
} or do {
	my $e = $@ || 'unknown error';
	$e =~ s/\s+$//;
	$out{error} = $e;
};
print JSON::PP->new->canonical->encode(\%out), "\n";
