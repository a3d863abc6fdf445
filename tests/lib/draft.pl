#!/usr/bin/perl
# draft.pl: reads a draft as liaisonbot builds it (or as an SMTP receiver
# stored it) for the shell tests. Core Perl only.
#
#   draft.pl headers FILE       the top-level header names, one a line
#   draft.pl part-headers FILE  each part's header names, one a line
#   draft.pl header NAME FILE   the unfolded values of that header
#   draft.pl text FILE          the text/plain part, decoded
#   draft.pl html FILE          the text/html part, decoded
#   draft.pl normalise FILE     the whole draft, parts decoded, with what
#                               legitimately varies from run to run
#                               replaced: the Date header, the MIME
#                               boundary, the "Drafted ... on" date
#
# FILE may be an smtp-sink capture: its own X-* and Received lines before
# the message are skipped. "-" reads stdin.
use strict;
use warnings;
use MIME::Base64 qw(decode_base64);
use MIME::QuotedPrint qw(decode_qp);

my ($mode, @args) = @ARGV;
die "usage: draft.pl MODE [NAME] FILE\n" unless defined $mode && @args;
my $file = pop @args;
my $raw = do {
	local $/;
	my $fh;
	if ($file eq '-') {
		$fh = \*STDIN;
	} else {
		open($fh, '<', $file) or die "draft.pl: $file: $!\n";
	}
	binmode $fh;
	<$fh>;
};
$raw =~ s/\r\n/\n/g;
# smtp-sink's prelude: X-Client-Addr ... and a folded Received header.
$raw =~ s/\A(?:(?:X-[A-Za-z-]+|Received):[^\n]*\n(?:[ \t][^\n]*\n)*)+//
    if $raw =~ /\AX-Client-Addr:/;

# (headers as [name, unfolded value, raw lines], body)
sub split_entity {
	my ($text) = @_;
	my ($head, $body) = split /\n\n/, $text, 2;
	$body = '' unless defined $body;
	my @headers;
	for my $line (split /\n/, $head) {
		if ($line =~ /^[ \t]/ && @headers) {
			$headers[-1][1] .= $line;
			$headers[-1][2] .= "\n$line";
		} elsif ($line =~ /^([^:\s]+):\s*(.*)$/) {
			push @headers, [$1, $2, $line];
		} else {
			push @headers, ['(not a header)', $line, $line];
		}
	}
	return (\@headers, $body);
}

sub header_value {
	my ($headers, $name) = @_;
	return map { $_->[1] } grep { lc $_->[0] eq lc $name } @$headers;
}

sub decode_body {
	my ($headers, $body) = @_;
	my ($cte) = header_value($headers, 'Content-Transfer-Encoding');
	$cte = lc($cte // '7bit');
	return decode_qp($body) if $cte eq 'quoted-printable';
	return decode_base64($body) if $cte eq 'base64';
	return $body;
}

my ($headers, $body) = split_entity($raw);
my ($type) = header_value($headers, 'Content-Type');
$type //= 'text/plain';
my ($boundary) = $type =~ /boundary="?([^";]+)"?/i;

# The parts: [headers, decoded body, content type].
my @parts;
if (defined $boundary) {
	my @chunks = split /^--\Q$boundary\E(?:--)?[ \t]*\n?/m, $body;
	shift @chunks;		# the preamble
	pop @chunks if @chunks && $chunks[-1] !~ /\S/;
	for my $chunk (@chunks) {
		my ($h, $b) = split_entity($chunk);
		my ($t) = header_value($h, 'Content-Type');
		push @parts, [$h, decode_body($h, $b), lc($t // 'text/plain')];
	}
} else {
	push @parts, [$headers, decode_body($headers, $body), lc $type];
}

sub part_of {
	my ($want) = @_;
	for my $p (@parts) {
		return $p->[1] if $p->[2] =~ m{^\Q$want\E\b};
	}
	return '';
}

sub normalise_text {
	my ($text) = @_;
	$text =~ s/(Drafted by liaisonbot on )[^\n<]*?[0-9]{2}:[0-9]{2}[^\n<.]*\./$1(date)./g;
	return $text;
}

if ($mode eq 'headers') {
	print "$_->[0]\n" for @$headers;
} elsif ($mode eq 'part-headers') {
	for my $p (@parts) {
		print "$_->[0]\n" for @{$p->[0]};
	}
} elsif ($mode eq 'header') {
	print "$_\n" for header_value($headers, $args[0]);
} elsif ($mode eq 'text') {
	print part_of('text/plain');
} elsif ($mode eq 'html') {
	print part_of('text/html');
} elsif ($mode eq 'normalise') {
	for my $h (@$headers) {
		my $line = $h->[2];
		$line = 'Date: (date)' if lc $h->[0] eq 'date';
		$line =~ s/\Q$boundary\E/(boundary)/g if defined $boundary;
		print "$line\n";
	}
	print "\n";
	for my $p (@parts) {
		print "--(boundary)\n" if defined $boundary;
		print "$_->[2]\n" for @{$p->[0]};
		print "\n", normalise_text($p->[1]);
	}
	print "--(boundary)--\n" if defined $boundary;
} else {
	die "draft.pl: unknown mode $mode\n";
}
