# liaisonbot.sieve: liaisonbot under Dovecot's Pigeonhole Sieve, for mail
# from the IESG lists.
#
#   (1) filter and file: the message goes through `liaisonbot filter`,
#       which adds X-Liaison-Category, -Score, -Breaking and
#       -Confidential, and is filed into a folder per category;
#   (2) store a copy: `liaisonbot ingest -` puts it in liaisonbot's store,
#       for digests without the daemon following IMAP.
#
# Dovecot settings (conf.d/90-sieve.conf and 90-sieve-extprograms.conf):
#
#   protocol lda  { mail_plugins = $mail_plugins sieve }   # and/or lmtp
#   plugin {
#     sieve_plugins = sieve_extprograms
#     # Programs for global scripts only: users cannot call them.
#     sieve_global_extensions = +vnd.dovecot.pipe +vnd.dovecot.filter
#     # Run for every user before the user's own script.
#     sieve_before = /etc/dovecot/sieve/liaisonbot.sieve
#     # Pigeonhole runs programs from these directories by file name
#     # only: install contrib/sieve-bin/liaisonbot-filter and
#     # liaisonbot-ingest there (mode 755; they set PATH and, if wanted,
#     # one configuration for everybody).
#     sieve_filter_bin_dir = /usr/local/lib/liaisonbot/sieve-bin
#     sieve_pipe_bin_dir = /usr/local/lib/liaisonbot/sieve-bin
#     # The default: a program still running after 10 seconds is killed.
#     # liaisonbot filter takes a fraction of a second; ingest waits up to
#     # [store] busy_timeout (default 10s) for a busy store, so keep
#     # busy_timeout below this (e.g. 5s) or raise it.
#     #sieve_filter_exec_timeout = 10s
#     #sieve_pipe_exec_timeout = 10s
#   }
#
# As a user's own script instead (~/.dovecot.sieve, or `include` it from
# there), enable the two extensions with sieve_extensions instead of
# sieve_global_extensions. Precompile a global script with sievec(1)
# where Dovecot cannot write beside it.
#
# The programs see the message with CRLF line ends (sieve_*_input_eol =
# crlf); liaisonbot reads either. The programs run as the mail user and
# find the configuration from HOME: $HOME/.config/liaisonbot/
# liaisonbot.conf, else /etc/liaisonbot/liaisonbot.conf; the store is
# [store] path, by default under $HOME/.local/share/liaisonbot/.
#
# Failures. Pigeonhole does not turn a program's exit 75 into a deferred
# delivery: a failing program only fails its Sieve action.
#   - A failing filter (exit 75, the message written through untouched)
#     makes `if filter` false: the message is kept unchanged, not filed,
#     and X-Liaison-* headers a sender wrote are not trusted.
#   - The pipe has :try, so a failing ingest (store busy, exit 75) is only
#     logged ("Terminated with non-zero exit code 75") and the message is
#     delivered once. Without :try the whole script would fail and
#     Dovecot's implicit keep would put a second copy into INBOX. The
#     copy the store missed is caught up later, duplicates skipped:
#       liaisonbot ingest --maildir ~/Maildir/.Liaison.process ...
#
# tests/integration/sieve.sh delivers with dovecot-lda through this file.

require ["vnd.dovecot.pipe", "vnd.dovecot.filter", "copy", "fileinto",
	"mailbox", "variables"];

# Folder names: "Liaison.process" and so on. With a "/" namespace
# separator (mail_location ...:LAYOUT=fs) write "Liaison/".
set "folder" "Liaison.";

if header :contains "List-Id" ["<iesg.ietf.org>", "<iesg-only.ietf.org>"] {
	# (2) A copy of the message as it arrived, before the filter.
	pipe :copy :try "liaisonbot-ingest";

	# (1) No `stop`: scripts after this one see the X-Liaison-* headers
	# and may file the message again.
	if filter "liaisonbot-filter" {
		if header :is "X-Liaison-Confidential" "yes" {
			fileinto :create "${folder}confidential";
		} elsif header :is "X-Liaison-Category"
		    ["process", "architecture", "external", "routine"] {
			if header :matches "X-Liaison-Category" "*" {
				fileinto :create "${folder}${1}";
			}
		}
	}
}
