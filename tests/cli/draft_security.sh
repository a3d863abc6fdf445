#!/bin/sh
# draft_security: text from messages never becomes structure in a draft.
# Subjects and display names with CR, LF, control characters and
# encoded-word tricks create no header (the header block of each draft is
# parsed and its header names compared with the expected set); Mustache
# tags in subjects and bodies are printed, not run.
. "$(dirname "$0")/../lib/tap.sh"
. "$LIAISONBOT_SRCDIR/tests/lib/drafts.sh"
drafts_setup
want_headers="Auto-Submitted Content-Type Date From MIME-Version Message-Id \
Subject To X-Liaison-Draft "

# check_draft NAME FILE: the draft's header block is exactly the expected
# header names, every line ends in CRLF, and nothing injected shows as a
# line of its own anywhere.
check_draft() {
	is "$(perl "$drafts_pl" headers "$2" | sort | tr '\n' ' ')" \
		"$want_headers" "$1: only the expected headers"
	perl -ne 'exit 1 if /\r(?!\n)/ || !/\r\n\z/; exit 0 if /^\r\n\z/' \
		"$2"
	ok $? "$1: header lines end in CRLF, no bare CR"
	perl -ne 'exit 0 if /^\r?$/; exit 1 if /[^\x09\x0d\x0a\x20-\x7e]/' "$2"
	ok $? "$1: header block is 7-bit (non-ASCII encoded)"
	unlike "$(perl "$drafts_pl" text "$2"; perl "$drafts_pl" html "$2")" \
		'^(Bcc|Cc|X-Injected|Content-Type|To):' \
		"$1: no injected line in the body either"
}

# Hostile subjects (raw header values, printf escapes), one breaking
# liaison statement each: the breaking draft's Subject is the thread's.
n=0
for subject in \
    'New Liaison Statement =?utf-8?q?q-crlf=0D=0ABcc:_victim@example.org?=' \
    'New Liaison Statement =?utf-8?b?Yi1jcmxmDQpYLUluamVjdGVkOiB5ZXM=?=' \
    'New Liaison Statement =?utf-8?q?lf-only=0AX-Injected:_yes?=' \
    'New Liaison Statement =?utf-8?q?nul=00X-Injected:_yes?=' \
    'New Liaison Statement bare-cr\rBcc: victim@example.org' \
    'New Liaison Statement controls\001\013\014\033[31m\177 end' \
    'New Liaison Statement =?utf-8?q?=1B=5B2J=07bell?= and =?iso-8859-1?q?caf=E9?=' \
    'New Liaison Statement =?utf-8?q?split=0D?= =?utf-8?q?=0ABcc:_v@example.org?='
do
	n=$((n + 1))
	{
		printf 'From: =?utf-8?q?Evil=0D=0AX-Injected=3A_from?= <evil%d@example.org>\n' $n
		printf 'To: The IESG <iesg@ietf.org>\n'
		# shellcheck disable=SC2059 # the escapes in it are the test
		printf "Subject: $subject case $n\\n"
		printf 'Date: %s\n' "$(LC_ALL=C date -R)"
		printf 'Message-ID: <hostile-%d@test.example>\n' $n
		printf 'List-Id: <iesg.ietf.org>\n\n'
		printf 'Purpose: For action\n\nBody: ITU-T asks the IETF about case %d.\n' $n
	} >"$m/h$n.eml"
	lb -q ingest "$m/h$n.eml" 2>/dev/null
	lb breaking --dry-run >"$tap_tmp/b$n.eml" 2>"$tap_tmp/b$n.err"
	subject=$(perl "$drafts_pl" header Subject "$tap_tmp/b$n.eml")
	like "$subject" "^\[IESG liaison\] Breaking: .*case $n" \
		"subject $n: a breaking draft names the thread"
	check_draft "subject $n" "$tap_tmp/b$n.eml"
	lb -q breaking --queue >/dev/null 2>&1	# done with this one
done
# The decoded Subject of the first: CR LF became one space.
is "$(perl "$drafts_pl" header Subject "$tap_tmp/b1.eml" |
	perl -MEncode -ne 's/\r?\n\z//; print Encode::encode("UTF-8", Encode::decode("MIME-Header", $_))')" \
	"[IESG liaison] Breaking: New Liaison Statement q-crlf Bcc: victim@example.org case 1" \
	"CR LF in an encoded word became a space in the Subject"

# A digest of all of them, with a display name that tries the same.
lb digest --dry-run --since 7d >"$tap_tmp/digest.eml"
check_draft "digest" "$tap_tmp/digest.eml"
like "$(perl "$drafts_pl" text "$tap_tmp/digest.eml")" \
	"Evil X-Injected: from \(1\)" "a hostile display name is one line"

# Mustache tags in a subject and a body: printed, never run. And a
# hostile Archived-At.
drafts_mail "$m/tags.eml" \
	'From: "{{#sections}}Mallory{{/sections}}" <mallory@example.org>' \
	'To: The IESG <iesg@ietf.org>' \
	'Subject: New Liaison Statement {{> digest.txt}} {{#x}}X{{/x}}' \
	"Date: $(LC_ALL=C date -R)" 'Message-ID: <tags@test.example>' \
	'List-Id: <iesg.ietf.org>' \
	'Archived-At: <javascript:alert(document.cookie)>' <<'EOF'
Purpose: For action

Body: ITU-T asks {{=<% %>=}} <% period %> and {{{period}}} and {{! hidden}}
and {{#sections}}LOOP{{/sections}} of the IETF.
EOF
lb -q ingest "$m/tags.eml" 2>/dev/null
lb digest --dry-run --since 7d >"$tap_tmp/tags.eml"
check_draft "tags" "$tap_tmp/tags.eml"
text=$(perl "$drafts_pl" text "$tap_tmp/tags.eml")
html=$(perl "$drafts_pl" html "$tap_tmp/tags.eml")
like "$text" '^\* New Liaison Statement \{\{> digest.txt\}\} \{\{#x\}\}X\{\{/x\}\}' \
	"text: tags in a subject are printed"
like "$text" 'ITU-T asks \{\{=<% %>=\}\} <% period %> and \{\{\{period\}\}\}' \
	"text: a delimiter change and triple braces in a body are printed"
like "$text" 'and \{\{! hidden\}\}$' "text: a comment in a body is printed"
like "$text" '^    and \{\{#sections\}\}LOOP\{\{/sections\}\} of the IETF\.$' \
	"text: a section in a body is printed, not run"
like "$text" '\{\{#sections\}\}Mallory\{\{/sections\}\} \(1\)' \
	"text: tags in a display name are printed"
is "$(printf '%s\n' "$text" | grep -c '^IESG liaison digest:')" 1 \
	"text: the partial was not run (one digest title)"
like "$html" 'New Liaison Statement \{\{&gt; digest.txt\}\}' \
	"HTML: tags printed, escaped"
like "$html" '\{\{=&lt;% %&gt;=\}\} &lt;% period %&gt;' \
	"HTML: a delimiter change is printed, escaped"
is "$(printf '%s\n' "$html" | grep -c '<title>')" 1 \
	"HTML: the partial was not run (one title)"
unlike "$html" 'javascript:' "HTML: a javascript: Archived-At is no link"
like "$html" '<a href="mid:tags@test.example">message</a>' \
	"HTML: the Message-ID instead"
tap_done
