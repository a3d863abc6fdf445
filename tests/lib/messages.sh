# messages.sh: generated test messages, sourced by tests and benchmarks.
#
#   messages_generate DIR COUNT [MEAN_BYTES]
#       writes DIR/00001.eml ... : IETF-like mail with CRLF line ends (as
#       IMAP serves it, so fetched bytes compare equal), unique Message-IDs
#       <N.SEED@test.example>, sizes spread around MEAN_BYTES (default
#       11000). Deterministic for a given COUNT and size; awk only.

messages_generate()
{
	mkdir -p "$1" || return 1
	awk -v dir="$1" -v count="$2" -v mean="${3:-11000}" '
	BEGIN {
		srand(42)
		split("the IESG draft protocol working group liaison " \
		    "statement review ballot last call IETF architecture " \
		    "routing security transport area document approval " \
		    "comments discuss position registry update", words, " ")
		nw = length(words)
		for (i = 1; i <= count; i++) {
			f = sprintf("%s/%05d.eml", dir, i)
			printf "From: Sender %d <sender%d@example.org>\r\n", \
			    i % 97, i % 97 > f
			printf "To: ietf-announce@ietf.org\r\n" > f
			printf "Subject: Message %d about %s %s\r\n", i, \
			    words[int(rand() * nw) + 1], \
			    words[int(rand() * nw) + 1] > f
			printf "Date: Mon, 6 May 2024 10:%02d:%02d +0000\r\n", \
			    i % 60, (i * 7) % 60 > f
			printf "Message-ID: <%d.42@test.example>\r\n", i > f
			printf "MIME-Version: 1.0\r\n" > f
			printf "Content-Type: text/plain; charset=us-ascii\r\n" > f
			printf "\r\n" > f
			size = int(mean * (0.25 + 1.5 * rand()))
			n = 0
			while (n < size) {
				line = ""
				while (length(line) < 70)
					line = line words[int(rand() * nw) + 1] " "
				printf "%s\r\n", line > f
				n += length(line) + 2
			}
			close(f)
		}
	}'
}
