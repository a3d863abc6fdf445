/* bench_corpus: deterministic IETF-list-like mail for `make bench`.
 *
 *   bench_corpus [--seed N] [--first N] --count N --dir DIR
 *   bench_corpus [--seed N] [--first N] --count N --mbox FILE
 *
 * Writes messages FIRST .. FIRST+COUNT-1 (default from 1) as one file each
 * (DIR/NNNNNN.eml) or as one mboxrd file. Message n depends only on the
 * seed and n, so the first 10,000 of a 100,000 corpus are the 10,000
 * corpus, whatever the output form. LF line ends (Dovecot serves them as
 * CRLF).
 *
 * The mix follows what the IESG and IETF lists carry: human replies with
 * quoted text and signatures (text/plain, and multipart/alternative with a
 * quoted-printable HTML part as webmail and Outlook send them), Datatracker
 * ballot positions and directorate reviews, IESG announcements (Last Call,
 * Protocol and Document Actions, WG Actions), liaison statements, telechat
 * agendas, short notes, and a few replies with an attachment. Every
 * message carries the header block mailman on ietf.org adds (Received,
 * DKIM, ARC, List-*), which is a third of a typical message's size. A
 * minority mentions what the shipped rules look for, and a few are
 * confidential. Mean size about 11 KB, as in the loopback measurements.
 *
 * A summary goes to stderr: "N messages, B bytes, mean M bytes" and the
 * count of each kind. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>

enum corpus_kind {
	KIND_REPLY,		/* text/plain, quoted reply */
	KIND_HTML,		/* multipart/alternative, QP */
	KIND_BALLOT,		/* Datatracker ballot position */
	KIND_ANNOUNCE,		/* IESG announcement */
	KIND_REVIEW,		/* Datatracker directorate review */
	KIND_LIAISON,		/* liaison statement */
	KIND_AGENDA,		/* telechat agenda */
	KIND_SHORT,		/* "thanks", out of office */
	KIND_ATTACH,		/* reply with an attachment */
	KIND_COUNT,
};

/* Share of each kind, per thousand; sums to 1000. */
static const struct {
	const char *name;
	int share;
} corpus_kinds[KIND_COUNT] = {
	[KIND_REPLY] = { "text/plain reply", 340 },
	[KIND_HTML] = { "multipart/alternative reply", 180 },
	[KIND_BALLOT] = { "ballot position", 160 },
	[KIND_ANNOUNCE] = { "IESG announcement", 140 },
	[KIND_REVIEW] = { "directorate review", 80 },
	[KIND_LIAISON] = { "liaison statement", 30 },
	[KIND_AGENDA] = { "telechat agenda", 20 },
	[KIND_SHORT] = { "short note", 30 },
	[KIND_ATTACH] = { "reply with attachment", 20 },
};

#define CORPUS_START 1704096000	/* Mon 1 Jan 2024 08:00 UTC */
#define CORPUS_STEP 300		/* mean seconds between messages */

/* Invented people; some names need RFC 2047 and UTF-8. */
static const char *const corpus_people[] = {
	"Helena Vasquez-Lind", "Astrid Lindqvist", "Ngozi Adeyemi-Clarke",
	"Kenji Morioka", "Marcus Delacroix-Weber", "Ingrid Solberg",
	"Tomasz Wierzbicki", "Priyanka Deshmane", "Rafael Ibarra Solís",
	"Camille Ferrand", "Leila Haddad", "Dorothea Vance", "Björn Åkesson",
	"Zoë Fairbanks", "François Lemaître", "Mehmet Yıldız",
	"Oluwaseun Bakare",
	"Chen Wei-Ling", "Siobhán Ní Dhuibhir", "Arvid Nordqvist",
	"Paloma Quintero", "Ravi Subramanian", "Greta Hoffmann",
	"Declan Moriarty", "Yuki Hanazawa", "Emeka Okonkwo", "Lucía Benítez",
	"Magnus Thorsen", "Anneliese Krüger", "Thabo Mokoena",
};

static const char *const corpus_domains[] = {
	"example.com", "example.net", "example.org", "mail.example",
	"research.example", "vendor.example", "university.example",
	"operator.example", "cloud.example", "isp.example",
};

static const char *const corpus_groups[] = {
	"quic", "tls", "dnsop", "httpbis", "idr", "sidrops", "lamps",
	"oauth", "emailcore", "mls", "ohai", "masque", "ppm", "scitt",
	"ccwg", "tcpm", "6man", "v6ops", "opsawg", "netmod", "lsr", "bess",
	"pce", "teas", "spring", "detnet", "core", "ace", "jmap", "calext",
};

static const char *const corpus_areas[] = {
	"ART", "INT", "OPS", "RTG", "SEC", "WIT", "GEN",
};

static const char *const corpus_statuses[] = {
	"Proposed Standard", "Informational", "Experimental",
	"Best Current Practice", "Internet Standard",
};

static const char *const corpus_positions[] = {
	"No Objection", "No Objection", "No Objection", "Yes", "Discuss",
	"Abstain", "No Record",
};

static const char *const corpus_zones[] = {
	"-0700", "-0400", "-0500", "+0000", "+0100", "+0200", "+0530",
	"+0800", "+0900", "+1000",
};

static const char corpus_vocabulary[] =
    "the document working group draft section protocol server client "
    "message header field value registry IANA considerations security "
    "privacy implementation deployment operators text proposal review "
    "comment change update version editor authors chairs consensus "
    "discussion list meeting interim session agenda slides minutes "
    "requirement normative informative reference specification behavior "
    "endpoint connection stream packet frame extension negotiation "
    "handshake certificate key exchange algorithm cipher suite signature "
    "validation path route prefix origin address resolver zone record "
    "query response cache timeout retransmission congestion control "
    "latency throughput measurement experiment interoperability testing "
    "compliance should must may not would could might perhaps clearly "
    "however therefore although because since while when where which "
    "that this these those it they we I you our their its a an of to in "
    "for on with as by at from about into over after before between "
    "under without through during against among is are was were be been "
    "has have had do does did can will need seems think believe agree "
    "disagree suggest propose clarify explain describe define specify "
    "require allow prevent support handle process receive send ignore "
    "reject accept parse encode decode carry indicate signal advertise "
    "new existing current previous next first last other same different "
    "simple complex minor major editorial substantive technical "
    "operational reasonable unclear ambiguous consistent optional "
    "mandatory recommended default specific generic additional separate "
    "small large clear good fine strong weak useful important helpful "
    "paragraph sentence figure table appendix terminology abstract "
    "introduction overview model framework architecture mechanism "
    "procedure option parameter attribute element object type format "
    "encoding length limit error failure case example scenario use issue "
    "problem concern question point nit typo wording intent goal scope "
    "charter milestone adoption call last-call ballot position shepherd "
    "write-up directorate reviewer area director responsible AD IESG "
    "datatracker repository pull request errata revision diff";

/* Sentences that fire the shipped rules, so classify has work to do. */
static const char *const corpus_signals[] = {
	"This raises real concerns about the centralization of DNS resolution "
	"in a handful of large operators.",
	"I think the IAB should look at what this means for the Internet "
	"architecture as a whole.",
	"The 3GPP SA2 study on QUIC exposure seems to assume the opposite.",
	"ITU-T SG13 sent a liaison statement on exactly this topic last month.",
	"We discussed the IESG statement on DISCUSS criteria at the retreat.",
	"Section 4 of RFC 2026 is quite clear that this needs a Last Call.",
	"Encrypted DNS with resolver discovery changes the trust model here.",
	"The end-to-end encryption property is lost if the middlebox can "
	"read the inner header.",
	"RPKI route origin validation would not catch this kind of route "
	"leak.",
	"The IEEE 802.1 liaison manager asked whether we plan to respond.",
	"Protocol ossification is the very thing greasing is meant to "
	"prevent.",
	"This looks like a process experiment under RFC 3933 to me.",
	"ICANN and the RIRs were consulted on the registry policy.",
	"Pervasive monitoring is an attack, as BCP 188 says.",
	"The W3C has a parallel effort and we should coordinate with them.",
	"ETSI is asking for a standardization request mapping by June.",
};

static const char *const corpus_secrets[] = {
	"This is IESG confidential until the NomCom announces the result.",
	"Please do not forward: this came up in the executive session.",
	"Not for distribution beyond the IESG; it is a personnel matter.",
};

static const char *const corpus_greetings[] = {
	"Hi all,", "Hi,", "Hello,", "Dear colleagues,", "Thanks for the "
	"review.", "All,", "Hi folks,", "Good morning,",
};

static const char *const corpus_closings[] = {
	"Thanks,", "Best regards,", "Cheers,", "Regards,", "Thanks again,",
	"Best,", "Kind regards,", "Yours,",
};

static const char *const corpus_liaison_bodies[] = {
	"ITU-T-SG-13", "ITU-T-SG-17", "3GPP-TSG-SA-WG2", "IEEE-802.1",
	"ETSI-ISG-NFV", "BBF", "ISO-IEC-JTC-1-SC-6", "W3C",
};

struct corpus_rng {
	guint64 state;
};

/* splitmix64: tiny, fast, and the same on every platform. */
static guint64
corpus_next(struct corpus_rng *rng)
{
	guint64 z = (rng->state += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static guint
corpus_below(struct corpus_rng *rng, guint n)
{
	return n == 0 ? 0 : (guint)(corpus_next(rng) % n);
}

static guint
corpus_range(struct corpus_rng *rng, guint low, guint high)
{
	return low + corpus_below(rng, high - low + 1);
}

static bool
corpus_chance(struct corpus_rng *rng, guint per_thousand)
{
	return corpus_below(rng, 1000) < per_thousand;
}

#define corpus_pick(rng, array) \
	((array)[corpus_below((rng), G_N_ELEMENTS(array))])

static void
corpus_rng_init(struct corpus_rng *rng, guint64 seed, guint64 n, guint64 salt)
{
	rng->state = seed * G_GUINT64_CONSTANT(0x2545f4914f6cdd1d) ^
	    n * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) ^ salt;
	corpus_next(rng);
}

/* The shared state of one run. */
struct corpus {
	guint64 seed;
	char **words;
	guint n_words;
	guint64 counts[KIND_COUNT];
	guint64 bytes[KIND_COUNT];
};

/* ---- names, addresses, identifiers ---- */

static const char *
corpus_person(guint64 seed, guint64 who)
{
	struct corpus_rng rng;

	corpus_rng_init(&rng, seed, who, 0x5eed);
	return corpus_pick(&rng, corpus_people);
}

/* "kenji.morioka@vendor.example", lower case ASCII. */
static char *
corpus_address(guint64 seed, guint64 who)
{
	struct corpus_rng rng;
	const char *name = corpus_person(seed, who);
	GString *out = g_string_new(NULL);

	corpus_rng_init(&rng, seed, who, 0xadd);
	for (const char *p = name; *p != '\0'; p++) {
		if (g_ascii_isalpha(*p))
			g_string_append_c(out, g_ascii_tolower(*p));
		else if (*p == ' ')
			g_string_append_c(out, '.');
		else if (*p == '-')
			g_string_append_c(out, '-');
	}
	g_string_append_printf(out, "@%s", corpus_pick(&rng, corpus_domains));
	return g_string_free(out, FALSE);
}

/* A display name as a header carries it: RFC 2047 Q when not ASCII. */
static void
corpus_display_name(GString *out, const char *name)
{
	bool ascii = true;

	for (const char *p = name; *p != '\0'; p++)
		if ((guchar)*p >= 0x80)
			ascii = false;
	if (ascii) {
		g_string_append(out, name);
		return;
	}
	g_string_append(out, "=?utf-8?q?");
	for (const guchar *p = (const guchar *)name; *p != '\0'; p++) {
		if (*p == ' ')
			g_string_append_c(out, '_');
		else if (*p >= 0x80 || *p == '=' || *p == '?' || *p == '_')
			g_string_append_printf(out, "=%02X", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append(out, "?=");
}

static void
corpus_mailbox(GString *out, guint64 seed, guint64 who)
{
	g_autofree char *address = corpus_address(seed, who);

	corpus_display_name(out, corpus_person(seed, who));
	g_string_append_printf(out, " <%s>", address);
}

/* Message n's Message-ID; any message can name any other's. */
static char *
corpus_message_id(guint64 seed, guint64 n)
{
	struct corpus_rng rng;

	corpus_rng_init(&rng, seed, n, 0x1d);
	return g_strdup_printf("%016" G_GINT64_MODIFIER "x.%" G_GUINT64_FORMAT
	    "@%s", corpus_next(&rng), n, corpus_pick(&rng, corpus_domains));
}

static void
corpus_random_chars(GString *out, struct corpus_rng *rng, guint len,
    const char *alphabet)
{
	size_t n = strlen(alphabet);

	for (guint i = 0; i < len; i++)
		g_string_append_c(out, alphabet[corpus_next(rng) % n]);
}

#define CORPUS_B64 \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
#define CORPUS_HEX "0123456789ABCDEF"

/* A long base64 value folded as DKIM signers fold it. */
static void
corpus_folded_b64(GString *out, struct corpus_rng *rng, guint len)
{
	for (guint done = 0; done < len; done += 70) {
		g_string_append(out, "\n\t ");
		corpus_random_chars(out, rng, MIN(70, len - done), CORPUS_B64);
	}
}

static char *
corpus_draft_name(struct corpus_rng *rng, const char **group)
{
	static const char *const topics[] = {
		"extensions", "framework", "yang-model", "bis", "architecture",
		"considerations", "discovery", "requirements", "profile",
		"encoding", "registry", "deployment", "capabilities",
		"negotiation", "reporting",
	};

	*group = corpus_pick(rng, corpus_groups);
	return g_strdup_printf("draft-ietf-%s-%s-%02u", *group,
	    corpus_pick(rng, topics), corpus_below(rng, 25));
}

/* ---- dates ---- */

static const char *const corpus_day_names[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};
static const char *const corpus_month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

static gint64
corpus_time(struct corpus *corpus, guint64 n)
{
	struct corpus_rng rng;

	corpus_rng_init(&rng, corpus->seed, n, 0x7173);
	return CORPUS_START + (gint64)n * CORPUS_STEP +
	    corpus_below(&rng, CORPUS_STEP);
}

/* "Mon, 6 May 2024 03:12:44 -0700" */
static void
corpus_rfc5322_date(GString *out, gint64 when, const char *zone)
{
	int offset = (zone[0] == '-' ? -1 : 1) *
	    ((zone[1] - '0') * 600 + (zone[2] - '0') * 60 +
	    (zone[3] - '0') * 10 + (zone[4] - '0')) * 60;
	time_t local = (time_t)(when + offset);
	struct tm tm;

	gmtime_r(&local, &tm);
	g_string_append_printf(out, "%s, %d %s %d %02d:%02d:%02d %s",
	    corpus_day_names[tm.tm_wday], tm.tm_mday,
	    corpus_month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, zone);
}

/* The mbox From_ line's asctime-style date, in UTC. */
static void
corpus_asctime(GString *out, gint64 when)
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	g_string_append_printf(out, "%s %s %2d %02d:%02d:%02d %d",
	    corpus_day_names[tm.tm_wday], corpus_month_names[tm.tm_mon],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

/* ---- prose ---- */

/* One sentence of list prose, sometimes with a reference in it. */
static void
corpus_sentence(struct corpus *corpus, struct corpus_rng *rng, GString *out)
{
	guint words = corpus_range(rng, 6, 24);
	guint major;

	for (guint i = 0; i < words; i++) {
		const char *word = corpus->words[corpus_below(rng,
		    corpus->n_words)];

		if (i > 0)
			g_string_append_c(out, ' ');
		if (i == 0) {
			g_string_append_c(out, g_ascii_toupper(word[0]));
			g_string_append(out, word + 1);
		} else {
			g_string_append(out, word);
		}
		if (i > 2 && i + 2 < words && corpus_chance(rng, 60))
			g_string_append_c(out, ',');
		if (corpus_chance(rng, 12)) {
			switch (corpus_below(rng, 4)) {
			case 0:
				major = corpus_range(rng, 1, 9);
				g_string_append_printf(out, " (Section %u.%u)",
				    major, corpus_range(rng, 1, 6));
				break;
			case 1:
				g_string_append_printf(out, " [RFC%u]",
				    corpus_range(rng, 2000, 9700));
				break;
			case 2:
				g_string_append_printf(out, " RFC %u",
				    corpus_range(rng, 2000, 9700));
				break;
			default:
				g_string_append(out,
				    " https://github.com/ietf-wg-");
				g_string_append(out,
				    corpus_pick(rng, corpus_groups));
				g_string_append_printf(out, "/issues/%u",
				    corpus_range(rng, 1, 400));
			}
		}
	}
	g_string_append_c(out, corpus_chance(rng, 100) ? '?' : '.');
}

/* A paragraph of n sentences, unwrapped; per-mille chances of a signal
 * sentence and of a confidential one. */
static char *
corpus_paragraph(struct corpus *corpus, struct corpus_rng *rng, guint n,
    guint signal)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(out, ' ');
		if (corpus_chance(rng, signal))
			g_string_append(out, corpus_pick(rng, corpus_signals));
		else
			corpus_sentence(corpus, rng, out);
	}
	return g_string_free(out, FALSE);
}

/* Appends text wrapped at width columns, each line starting with
 * prefix. A line that would start with "From " keeps it: the mbox writer
 * quotes it. */
static void
corpus_wrap(GString *out, const char *text, const char *prefix, guint width)
{
	const char *p = text;

	while (*p != '\0') {
		const char *line = p, *cut = NULL;
		size_t room = width > strlen(prefix) ? width - strlen(prefix)
						     : 20;

		while (*p != '\0' && (size_t)(p - line) <= room) {
			if (*p == ' ')
				cut = p;
			p++;
		}
		if (*p == '\0')
			cut = p;
		else if (cut == NULL)
			while (*p != '\0' && *p != ' ')
				cut = ++p;
		g_string_append(out, prefix);
		g_string_append_len(out, line, cut - line);
		g_string_append_c(out, '\n');
		p = *cut == ' ' ? cut + 1 : cut;
	}
}

/* ---- the parts of a reply ---- */

/* A block of a reply: own text, or text quoted at some depth. */
struct corpus_block {
	guint depth;		/* 0: own words */
	bool attribution;	/* "On ..., X wrote:" line */
	char *text;
};

static void
corpus_block_free(gpointer data)
{
	struct corpus_block *block = data;

	g_free(block->text);
	g_free(block);
}

static void
corpus_add_block(GPtrArray *blocks, guint depth, bool attribution,
    char *text)
{
	struct corpus_block *block = g_new0(struct corpus_block, 1);

	block->depth = depth;
	block->attribution = attribution;
	block->text = text;
	g_ptr_array_add(blocks, block);
}

/* The content of a human reply: greeting, inline replies to quoted
 * paragraphs (sometimes two levels deep), closing and signature. */
static GPtrArray *
corpus_reply_blocks(struct corpus *corpus, struct corpus_rng *rng,
    guint64 n, bool opener, guint size)
{
	GPtrArray *blocks = g_ptr_array_new_with_free_func(corpus_block_free);
	guint secret = corpus_chance(rng, 6);
	guint signal = corpus_chance(rng, 300) ? 120 : 0;
	guint64 parent_author = n * 7 + 3;
	guint written = 0;

	corpus_add_block(blocks, 0, false,
	    g_strdup(corpus_pick(rng, corpus_greetings)));
	if (!opener) {
		GString *when = g_string_new("On ");
		g_autofree char *address = corpus_address(corpus->seed,
		    parent_author);

		corpus_rfc5322_date(when, corpus_time(corpus, n) - 3600,
		    "+0000");
		g_string_append_printf(when, ", %s <%s> wrote:",
		    corpus_person(corpus->seed, parent_author), address);
		corpus_add_block(blocks, 0, true, g_string_free(when, FALSE));
	}
	while (written < size) {
		char *text;

		if (!opener && corpus_chance(rng, 550)) {
			guint depth = corpus_chance(rng, 250) ? 2 : 1;

			text = corpus_paragraph(corpus, rng,
			    corpus_range(rng, 1, 5), signal / 2);
			written += strlen(text) + 30;
			corpus_add_block(blocks, depth, false, text);
		}
		text = corpus_paragraph(corpus, rng, corpus_range(rng, 1, 6),
		    signal);
		if (corpus_chance(rng, 15)) {
			char *plain = text;

			text = g_strconcat("From ", plain, NULL);
			g_free(plain);
		}
		written += strlen(text) + 2;
		corpus_add_block(blocks, 0, false, text);
		if (secret) {
			corpus_add_block(blocks, 0, false,
			    g_strdup(corpus_pick(rng, corpus_secrets)));
			secret = 0;
		}
	}
	corpus_add_block(blocks, 0, false, g_strdup_printf("%s\n%s",
	    corpus_pick(rng, corpus_closings), corpus_person(corpus->seed,
	    n * 7 + 1)));
	return blocks;
}

static void
corpus_blocks_text(GString *out, GPtrArray *blocks, guint64 seed, guint64 n)
{
	for (guint i = 0; i < blocks->len; i++) {
		const struct corpus_block *block = blocks->pdata[i];
		g_autofree char *prefix = NULL;

		if (block->attribution) {
			g_string_append_printf(out, "%s\n\n", block->text);
			continue;
		}
		prefix = block->depth == 0 ? g_strdup("")
		    : block->depth == 1 ? g_strdup("> ") : g_strdup("> > ");
		if (strchr(block->text, '\n') != NULL) {
			g_string_append_printf(out, "%s\n", block->text);
		} else {
			corpus_wrap(out, block->text, prefix, 72);
		}
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "-- \n%s\n%s\n", corpus_person(seed,
	    n * 7 + 1), corpus_domains[n % G_N_ELEMENTS(corpus_domains)]);
}

static void
corpus_html_escape(GString *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		switch (*p) {
		case '<': g_string_append(out, "&lt;"); break;
		case '>': g_string_append(out, "&gt;"); break;
		case '&': g_string_append(out, "&amp;"); break;
		case '\n': g_string_append(out, "<br>\n"); break;
		default: g_string_append_c(out, *p);
		}
	}
}

/* The HTML a webmail client sends for the same blocks. */
static void
corpus_blocks_html(GString *out, GPtrArray *blocks)
{
	guint depth = 0;

	g_string_append(out, "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=utf-8\"><style type=\"text/css\" "
	    "style=\"display:none;\"> P {margin-top:0;margin-bottom:0;} "
	    "</style></head>\n<body dir=\"ltr\"><div dir=\"ltr\" style=\""
	    "font-family: Aptos, Arial, Helvetica, sans-serif; font-size: "
	    "12pt; color: rgb(0, 0, 0);\">\n");
	for (guint i = 0; i < blocks->len; i++) {
		const struct corpus_block *block = blocks->pdata[i];

		while (depth < block->depth) {
			g_string_append(out, "<blockquote "
			    "class=\"gmail_quote\" style=\"margin:0px 0px 0px "
			    "0.8ex;border-left:1px solid rgb(204,204,204);"
			    "padding-left:1ex\">\n");
			depth++;
		}
		while (depth > block->depth) {
			g_string_append(out, "</blockquote>\n");
			depth--;
		}
		g_string_append(out, block->attribution
		    ? "<div class=\"gmail_attr\">" : "<p>");
		corpus_html_escape(out, block->text);
		g_string_append(out, block->attribution ? "</div>\n"
							: "</p>\n");
	}
	while (depth-- > 0)
		g_string_append(out, "</blockquote>\n");
	g_string_append(out, "</div></body></html>\n");
}

/* Quoted-printable (RFC 2045 6.7), lines of at most 76. */
static void
corpus_qp(GString *out, const char *text)
{
	guint column = 0;

	for (const guchar *p = (const guchar *)text; *p != '\0'; p++) {
		bool last = p[1] == '\n' || p[1] == '\0';
		char buf[4];
		guint len;

		if (*p == '\n') {
			g_string_append_c(out, '\n');
			column = 0;
			continue;
		}
		if (*p >= 0x7f || *p == '=' || (*p < 0x20 && *p != '\t') ||
		    ((*p == ' ' || *p == '\t') && last))
			len = (guint)g_snprintf(buf, sizeof(buf), "=%02X", *p);
		else
			len = (guint)g_snprintf(buf, sizeof(buf), "%c", *p);
		if (column + len > 75) {
			g_string_append(out, "=\n");
			column = 0;
		}
		g_string_append(out, buf);
		column += len;
	}
}

/* ---- headers ---- */

/* What a list message from ietf.org carries before its own headers:
 * the relays, spam and virus checks, DKIM and ARC. */
static void
corpus_transport_headers(GString *out, struct corpus_rng *rng, gint64 when,
    const char *domain, const char *list)
{
	guint hops = corpus_range(rng, 2, 4);
	guint score;

	g_string_append_printf(out, "Return-Path: <%s-bounces@ietf.org>\n",
	    list);
	for (guint i = 0; i < hops; i++) {
		g_string_append_printf(out, "Received: from mail%u.%s "
		    "(mail%u.%s [192.0.2.%u])\n\tby %s (Postfix) with ESMTPS "
		    "id ", i, i == 0 ? "ietf.org" : domain, i,
		    i == 0 ? "ietf.org" : domain, corpus_range(rng, 1, 254),
		    i == 0 ? "ietfa.amsl.com" : "mx.ietf.org");
		corpus_random_chars(out, rng, 12, CORPUS_HEX);
		g_string_append_printf(out, "\n\tfor <%s@ietfa.amsl.com>; ",
		    list);
		corpus_rfc5322_date(out, when + 2 - (gint64)i, "-0700");
		g_string_append(out, " (PDT)\n");
	}
	g_string_append(out, "X-Virus-Scanned: amavisd-new at amsl.com\n"
	    "X-Spam-Flag: NO\n");
	score = corpus_below(rng, 70);
	g_string_append_printf(out, "X-Spam-Score: -%u.%u\nX-Spam-Level: \n"
	    "X-Spam-Status: No, score=-%u.%u tagged_above=-999 required=5\n"
	    "\ttests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1,\n"
	    "\tDKIM_VALID_AU=-0.1, RCVD_IN_DNSWL_NONE=-0.0001,\n"
	    "\tSPF_HELO_NONE=0.001, SPF_PASS=-0.001]\n"
	    "\tautolearn=ham autolearn_force=no\n", score / 10, score % 10,
	    score / 10, score % 10);
	g_string_append_printf(out, "Authentication-Results: "
	    "ietfa.amsl.com (amavisd-new);\n\tdkim=pass (2048-bit key) "
	    "header.d=%s\n", domain);
	g_string_append_printf(out, "ARC-Seal: i=1; a=rsa-sha256; t=%"
	    G_GINT64_FORMAT "; cv=none; d=ietf.org; s=arc-2024; b=", when);
	corpus_folded_b64(out, rng, 344);
	g_string_append_printf(out, "\nARC-Message-Signature: i=1; "
	    "a=rsa-sha256; c=relaxed/relaxed; d=ietf.org;\n\ts=arc-2024; t=%"
	    G_GINT64_FORMAT "; h=from:to:subject:date:message-id:\n"
	    "\tin-reply-to:references:mime-version:content-type; bh=", when);
	corpus_random_chars(out, rng, 43, CORPUS_B64);
	g_string_append(out, "=; b=");
	corpus_folded_b64(out, rng, 344);
	g_string_append_printf(out, "\nARC-Authentication-Results: i=1; "
	    "ietf.org; dkim=pass header.d=%s;\n\tspf=pass (ietf.org: domain "
	    "of %s designates 192.0.2.1 as permitted sender)\n", domain,
	    domain);
	g_string_append_printf(out, "DKIM-Signature: v=1; a=rsa-sha256; "
	    "c=relaxed/relaxed; d=%s; s=2024a; t=%" G_GINT64_FORMAT ";\n"
	    "\th=from:to:cc:subject:date:message-id:in-reply-to:references:\n"
	    "\tmime-version:content-type; bh=", domain, when);
	corpus_random_chars(out, rng, 43, CORPUS_B64);
	g_string_append(out, "=; b=");
	corpus_folded_b64(out, rng, 344);
	g_string_append_c(out, '\n');
}

/* What mailman 3 adds after the message's own headers. */
static void
corpus_list_headers(GString *out, struct corpus_rng *rng, const char *list)
{
	g_string_append(out, "Message-ID-Hash: ");
	corpus_random_chars(out, rng, 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
	g_string_append_printf(out, "\nX-MailFrom: %s-bounces@ietf.org\n"
	    "X-Mailman-Rule-Misses: dmarc-mitigation; no-senders; approved;\n"
	    "\temergency; loop; banned-address; member-moderation;\n"
	    "\theader-match-%s.ietf.org-0; nonmember-moderation;\n"
	    "\tadministrivia; implicit-dest; max-recipients; max-size;\n"
	    "\tnews-moderation; no-subject; digests; suspicious-header\n"
	    "X-Mailman-Version: 3.3.9rc4\nPrecedence: list\n"
	    "List-Id: <%s.ietf.org>\n"
	    "Archived-At: <https://mailarchive.ietf.org/arch/msg/%s/", list,
	    list, list, list);
	corpus_random_chars(out, rng, 27, CORPUS_B64 "-_");
	g_string_append_printf(out, ">\nList-Archive: "
	    "<https://mailarchive.ietf.org/arch/browse/%s/>\n"
	    "List-Help: <mailto:%s-request@ietf.org?subject=help>\n"
	    "List-Owner: <mailto:%s-owner@ietf.org>\n"
	    "List-Post: <mailto:%s@ietf.org>\n"
	    "List-Subscribe: <mailto:%s-join@ietf.org>\n"
	    "List-Unsubscribe: <mailto:%s-leave@ietf.org>\n", list, list,
	    list, list, list, list);
}

/* The headers every message has, up to the MIME ones. from and to are
 * complete header values. */
static void
corpus_headers(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n, const char *list, const char *from, const char *to,
    const char *cc, const char *subject, guint64 parent)
{
	g_autofree char *id = corpus_message_id(corpus->seed, n);
	gint64 when = corpus_time(corpus, n);
	const char *at = strchr(id, '@');

	corpus_transport_headers(out, rng, when, at + 1, list);
	g_string_append_printf(out, "From: %s\nTo: %s\n", from, to);
	if (cc != NULL)
		g_string_append_printf(out, "Cc: %s\n", cc);
	g_string_append_printf(out, "Subject: %s\nDate: ", subject);
	corpus_rfc5322_date(out, when, corpus_pick(rng, corpus_zones));
	g_string_append_printf(out, "\nMessage-ID: <%s>\n", id);
	if (parent != 0) {
		g_autofree char *parent_id = corpus_message_id(corpus->seed,
		    parent);

		g_string_append_printf(out, "In-Reply-To: <%s>\nReferences:",
		    parent_id);
		/* The thread so far: parent's column of its block of 40. */
		for (guint64 m = parent - parent % 40 + parent % 5; m <= parent;
		    m += 5) {
			g_autofree char *ref = corpus_message_id(corpus->seed,
			    m);

			g_string_append_printf(out, "\n <%s>", ref);
		}
		g_string_append_c(out, '\n');
	}
	corpus_list_headers(out, rng, list);
}

/* ---- the kinds ---- */

/* Threads: eight messages each, five interleaved at a time; message n
 * answers n - 5 in its block of forty. */
static guint64
corpus_thread(guint64 n)
{
	return n / 40 * 5 + n % 5;
}

static void
corpus_thread_subject(GString *out, struct corpus *corpus, guint64 n,
    bool *opener)
{
	static const char *const prefixes[] = {
		"", "", "", "[Last-Call] ", "[IAB] ",
	};
	struct corpus_rng rng;
	const char *group;
	g_autofree char *draft = NULL;
	g_autofree char *words = NULL;
	guint64 thread = corpus_thread(n);

	corpus_rng_init(&rng, corpus->seed, thread, 0x7e);
	draft = corpus_draft_name(&rng, &group);
	*opener = n % 40 < 5;
	if (!*opener)
		g_string_append(out, "Re: ");
	switch (corpus_below(&rng, 4)) {
	case 0:
		g_string_append_printf(out, "Comments on %s", draft);
		break;
	case 1:
		g_string_append_printf(out, "%s%s: next steps for %s",
		    corpus_pick(&rng, prefixes), group, draft);
		break;
	case 2:
		words = corpus_paragraph(corpus, &rng, 1, 0);
		words[MIN(strlen(words), 60)] = '\0';
		g_string_append_printf(out, "[%s] %s", group, words);
		break;
	default:
		g_string_append_printf(out, "Interim %s meeting and %s",
		    group, draft);
	}
}

static char *
corpus_mailbox_string(guint64 seed, guint64 who)
{
	GString *out = g_string_new(NULL);

	corpus_mailbox(out, seed, who);
	return g_string_free(out, FALSE);
}

static const char *
corpus_list_for(struct corpus_rng *rng)
{
	static const char *const lists[] = {
		"iesg", "iesg", "ietf", "last-call", "iab",
	};

	return corpus_pick(rng, lists);
}

static void
corpus_reply(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n, enum corpus_kind kind)
{
	GString *subject = g_string_new(NULL);
	g_autofree char *from = corpus_mailbox_string(corpus->seed, n * 7 + 1);
	g_autofree char *cc = corpus_mailbox_string(corpus->seed, n * 7 + 2);
	const char *list = corpus_list_for(rng);
	g_autofree char *to = g_strdup_printf("%s@ietf.org", list);
	GPtrArray *blocks;
	bool opener;
	guint size = kind == KIND_HTML ? corpus_range(rng, 1000, 7000)
				       : corpus_range(rng, 1500, 13000);

	corpus_thread_subject(subject, corpus, n, &opener);
	corpus_headers(out, corpus, rng, n, list, from, to, cc, subject->str,
	    opener ? 0 : n - 5);
	g_string_free(subject, TRUE);
	blocks = corpus_reply_blocks(corpus, rng, n, opener, size);
	g_string_append(out, "MIME-Version: 1.0\n");
	if (kind == KIND_REPLY) {
		g_string_append(out, "Content-Type: text/plain; charset=UTF-8;"
		    " format=flowed\nContent-Transfer-Encoding: 8bit\n\n");
		corpus_blocks_text(out, blocks, corpus->seed, n);
	} else {
		GString *text = g_string_new(NULL);
		GString *boundary = g_string_new("000000000000");

		corpus_random_chars(boundary, rng, 16, "0123456789abcdef");
		g_string_append_printf(out, "Content-Type: "
		    "multipart/alternative; boundary=\"%s\"\n\n--%s\n"
		    "Content-Type: text/plain; charset=\"UTF-8\"\n"
		    "Content-Transfer-Encoding: quoted-printable\n\n",
		    boundary->str, boundary->str);
		corpus_blocks_text(text, blocks, corpus->seed, n);
		corpus_qp(out, text->str);
		g_string_truncate(text, 0);
		g_string_append_printf(out, "\n--%s\nContent-Type: text/html; "
		    "charset=\"UTF-8\"\nContent-Transfer-Encoding: "
		    "quoted-printable\n\n", boundary->str);
		corpus_blocks_html(text, blocks);
		corpus_qp(out, text->str);
		g_string_append_printf(out, "\n--%s--\n", boundary->str);
		g_string_free(text, TRUE);
		g_string_free(boundary, TRUE);
	}
	g_ptr_array_free(blocks, TRUE);
}

static void
corpus_attach(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	GString *body = g_string_new(NULL);
	GString *boundary = g_string_new("----=_Part_");
	GPtrArray *blocks;
	guint size = corpus_range(rng, 6000, 30000);
	guchar *bytes = g_malloc(size);
	g_autofree char *b64 = NULL;
	const char *group;

	/* The headers and text of a reply, then the attachment. */
	corpus_reply(body, corpus, rng, n, KIND_REPLY);
	g_string_truncate(body, strstr(body->str, "MIME-Version:") -
	    body->str);
	g_string_append(out, body->str);
	corpus_random_chars(boundary, rng, 20, "0123456789");
	g_string_append_printf(out, "MIME-Version: 1.0\nContent-Type: "
	    "multipart/mixed; boundary=\"%s\"\n\nThis is a multi-part message "
	    "in MIME format.\n--%s\nContent-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 7bit\n\n", boundary->str,
	    boundary->str);
	blocks = corpus_reply_blocks(corpus, rng, n, true,
	    corpus_range(rng, 400, 2000));
	corpus_blocks_text(out, blocks, corpus->seed, n);
	g_ptr_array_free(blocks, TRUE);
	for (guint i = 0; i < size; i++)
		bytes[i] = (guchar)corpus_next(rng);
	memcpy(bytes, "%PDF-1.7\n", 9);
	b64 = g_base64_encode(bytes, size);
	group = corpus_pick(rng, corpus_groups);
	g_string_append_printf(out, "\n--%s\nContent-Type: application/pdf; "
	    "name=\"slides-%s.pdf\"\nContent-Disposition: attachment; "
	    "filename=\"slides-%s.pdf\"\nContent-Transfer-Encoding: "
	    "base64\n\n", boundary->str, group, group);
	for (size_t i = 0, len = strlen(b64); i < len; i += 76) {
		g_string_append_len(out, b64 + i, MIN(76, len - i));
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "--%s--\n", boundary->str);
	g_free(bytes);
	g_string_free(body, TRUE);
	g_string_free(boundary, TRUE);
}

/* A Datatracker-generated message: From "X via Datatracker". */
static void
corpus_datatracker_headers(GString *out, struct corpus *corpus,
    struct corpus_rng *rng, guint64 n, const char *list, const char *who,
    const char *to, const char *cc, const char *subject)
{
	GString *from = g_string_new(NULL);

	corpus_display_name(from, who);
	g_string_append(from, " via Datatracker <noreply@ietf.org>");
	corpus_headers(out, corpus, rng, n, list, from->str, to, cc, subject,
	    0);
	g_string_append(out, "X-Test-IDTracker: no\nX-IETF-IDTracker: "
	    "12.14.0\nAuto-Submitted: auto-generated\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=\"utf-8\"\n"
	    "Content-Transfer-Encoding: 8bit\n\n");
	g_string_free(from, TRUE);
}

/* Comments on sections, as ballots and reviews are written. */
static void
corpus_section_comments(GString *out, struct corpus *corpus,
    struct corpus_rng *rng, guint count)
{
	for (guint i = 0; i < count; i++) {
		g_autofree char *text = NULL;
		g_autofree char *quote = NULL;
		guint major = corpus_range(rng, 1, 12);

		g_string_append_printf(out, "** Section %u.%u\n\n", major,
		    corpus_range(rng, 1, 8));
		if (corpus_chance(rng, 500)) {
			quote = corpus_paragraph(corpus, rng, 1, 0);
			corpus_wrap(out, quote, "   ", 72);
			g_string_append_c(out, '\n');
		}
		text = corpus_paragraph(corpus, rng, corpus_range(rng, 1, 5),
		    40);
		corpus_wrap(out, text, "", 72);
		g_string_append_c(out, '\n');
	}
}

static void
corpus_ballot(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	const char *who = corpus_person(corpus->seed, n * 7 + 1);
	const char *position = corpus_pick(rng, corpus_positions);
	bool discuss = g_str_equal(position, "Discuss");
	const char *group;
	g_autofree char *draft = corpus_draft_name(rng, &group);
	g_autofree char *subject = NULL, *cc = NULL;

	subject = g_strdup_printf("%s's %s on %s: (with %s)", who, position,
	    draft, discuss ? "DISCUSS and COMMENT" : "COMMENT");
	cc = g_strdup_printf("%s@ietf.org, %s-chairs@ietf.org, %s@ietf.org",
	    draft, group, group);
	corpus_datatracker_headers(out, corpus, rng, n, "iesg", who,
	    "The IESG <iesg@ietf.org>", cc, subject);
	g_string_append_printf(out, "%s has entered the following ballot "
	    "position for\n%s: %s\n\nWhen responding, please keep the subject "
	    "line intact and reply to all\nemail addresses included in the To "
	    "and CC lines. (Feel free to cut this\nintroductory paragraph, "
	    "however.)\n\n\nPlease refer to https://www.ietf.org/about/groups/"
	    "iesg/statements/handling-ballot-positions/\nfor more information "
	    "about how to handle DISCUSS and COMMENT positions.\n\n\nThe "
	    "document, along with other ballot positions, can be found here:\n"
	    "https://datatracker.ietf.org/doc/%.*s/ballot/\n\n\n\n", who, draft,
	    position, (int)(strlen(draft) - 3), draft);
	if (discuss) {
		g_string_append(out, "-------------------------------------"
		    "---------------------------------\nDISCUSS:\n"
		    "-------------------------------------------------------"
		    "---------------\n\n");
		corpus_section_comments(out, corpus, rng,
		    corpus_range(rng, 1, 4));
		g_string_append_c(out, '\n');
	}
	g_string_append(out, "-----------------------------------------------"
	    "-----------------------\nCOMMENT:\n--------------------------"
	    "--------------------------------------------\n\n");
	g_string_append_printf(out, "Thank you to %s for the review.\n\n",
	    corpus_person(corpus->seed, n * 7 + 4));
	corpus_section_comments(out, corpus, rng, corpus_range(rng, 2, 16));
}

static void
corpus_review(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	static const char *const teams[] = {
		"Secdir", "Genart", "Opsdir", "Artart", "Intdir", "Tsvart",
		"Rtgdir", "Iotdir", "Dnsdir",
	};
	static const char *const results[] = {
		"Ready", "Ready with Nits", "Ready with Issues", "Has Nits",
		"Has Issues", "Not Ready",
	};
	const char *who = corpus_person(corpus->seed, n * 7 + 1);
	const char *team = corpus_pick(rng, teams);
	const char *group;
	g_autofree char *draft = corpus_draft_name(rng, &group);
	g_autofree char *subject = g_strdup_printf("%s last call review of "
	    "%s", team, draft);
	g_autofree char *cc = g_strdup_printf("%s.all@ietf.org, "
	    "last-call@ietf.org, %s@ietf.org", draft, group);
	g_autofree char *intro = corpus_paragraph(corpus, rng, 4, 30);
	g_autofree char *lower = g_ascii_strdown(team, -1);
	g_autofree char *to = g_strdup_printf("%s@ietf.org", lower);

	corpus_datatracker_headers(out, corpus, rng, n, "last-call", who, to,
	    cc, subject);
	g_string_append_printf(out, "Reviewer: %s\nReview result: %s\n\n",
	    who, corpus_pick(rng, results));
	corpus_wrap(out, intro, "", 72);
	g_string_append(out, "\nMajor issues:\n\n");
	corpus_section_comments(out, corpus, rng, corpus_range(rng, 0, 3));
	g_string_append(out, "Minor issues:\n\n");
	corpus_section_comments(out, corpus, rng, corpus_range(rng, 2, 8));
	g_string_append(out, "Nits/editorial comments:\n\n");
	corpus_section_comments(out, corpus, rng, corpus_range(rng, 1, 5));
}

/* Abstract-like text indented three columns, as announcements have. */
static void
corpus_indented(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint paragraphs)
{
	for (guint i = 0; i < paragraphs; i++) {
		g_autofree char *text = corpus_paragraph(corpus, rng,
		    corpus_range(rng, 2, 6), 50);

		corpus_wrap(out, text, "   ", 72);
		g_string_append_c(out, '\n');
	}
}

static void
corpus_announce(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	const char *group;
	g_autofree char *draft = corpus_draft_name(rng, &group);
	g_autofree char *title = corpus_paragraph(corpus, rng, 1, 0);
	const char *status = corpus_pick(rng, corpus_statuses);
	g_autofree char *subject = NULL;
	guint which = corpus_below(rng, 5);
	guint day = corpus_below(rng, 12 * 28);

	title[MIN(strlen(title), 50)] = '\0';
	switch (which) {
	case 0:
	case 1:
		subject = g_strdup_printf("Last Call: <%s.txt> (%s) to %s",
		    draft, title, status);
		break;
	case 2:
		subject = g_strdup_printf("Protocol Action: '%s' to %s "
		    "(%s.txt)", title, status, draft);
		break;
	case 3:
		subject = g_strdup_printf("Document Action: '%s' to %s "
		    "(%s.txt)", title, status, draft);
		break;
	default:
		subject = g_strdup_printf("WG Action: Rechartered %s (%s)",
		    title, group);
	}
	corpus_headers(out, corpus, rng, n, "ietf-announce",
	    "The IESG <iesg-secretary@ietf.org>",
	    "IETF-Announce <ietf-announce@ietf.org>",
	    which < 2 ? "last-call@ietf.org" : NULL, subject, 0);
	g_string_append(out, "Reply-To: last-call@ietf.org\nSender: "
	    "<iesg-secretary@ietf.org>\nMIME-Version: 1.0\nContent-Type: "
	    "text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: "
	    "7bit\n\n");
	if (which < 2) {
		g_string_append_printf(out, "\nThe IESG has received a request "
		    "from the %s WG (%s) to consider the\nfollowing document: "
		    "- '%s'\n  <%s.txt> as %s\n\nThe IESG plans to make a "
		    "decision in the next few weeks, and solicits final\n"
		    "comments on this action. Please send substantive comments "
		    "to the\nlast-call@ietf.org mailing lists by %u-%02u-%02u. "
		    "Exceptionally, comments may\nbe sent to iesg@ietf.org "
		    "instead. In either case, please retain the beginning\nof "
		    "the Subject line to allow automated sorting.\n\nAbstract\n"
		    "\n\n", group, group, title, draft, status, 2024,
		    day / 28 + 1, day % 28 + 1);
		corpus_indented(out, corpus, rng, corpus_range(rng, 2, 4));
		g_string_append_printf(out, "\n\nThe file can be obtained via\n"
		    "https://datatracker.ietf.org/doc/%s/\n\n\n\nNo IPR "
		    "declarations have been submitted directly on this I-D.\n",
		    draft);
		return;
	}
	if (which < 4) {
		g_string_append_printf(out, "The IESG has approved the "
		    "following document:\n- '%s'\n  (%s.txt) as %s\n\nThis "
		    "document is the product of the %s Working Group.\n\nThe "
		    "IESG contact persons are %s and %s.\n\nA URL of this "
		    "Internet-Draft is:\nhttps://datatracker.ietf.org/doc/%s/"
		    "\n\n\nTechnical Summary\n\n", title, draft, status, group,
		    corpus_person(corpus->seed, n * 7 + 1),
		    corpus_person(corpus->seed, n * 7 + 2), draft);
		corpus_indented(out, corpus, rng, corpus_range(rng, 2, 4));
		g_string_append(out, "Working Group Summary\n\n");
		corpus_indented(out, corpus, rng, corpus_range(rng, 1, 2));
		g_string_append(out, "Document Quality\n\n");
		corpus_indented(out, corpus, rng, corpus_range(rng, 1, 2));
		g_string_append_printf(out, "Personnel\n\n   The Document "
		    "Shepherd for this document is %s. The\n   Responsible "
		    "Area Director is %s.\n", corpus_person(corpus->seed,
		    n * 7 + 3), corpus_person(corpus->seed, n * 7 + 1));
		return;
	}
	g_string_append_printf(out, "The %s (%s) WG in the %s Area of the IETF "
	    "has been rechartered.\nFor additional information, please "
	    "contact the Area Directors or the WG Chairs.\n\n%s (%s)\n------"
	    "-----------------------------------------------\nCurrent status: "
	    "Active WG\n\nChairs:\n  %s\n  %s\n\nCharter: "
	    "https://datatracker.ietf.org/doc/charter-ietf-%s/\n\n",
	    title, group, corpus_pick(rng, corpus_areas), title, group,
	    corpus_person(corpus->seed, n * 7 + 1),
	    corpus_person(corpus->seed, n * 7 + 2), group);
	corpus_indented(out, corpus, rng, corpus_range(rng, 3, 7));
	g_string_append(out, "Milestones:\n\n");
	for (guint i = 0, m = corpus_range(rng, 2, 8); i < m; i++) {
		guint month = corpus_below(rng, 36);

		g_string_append_printf(out, "  %s %u - Submit %s to the IESG\n",
		    corpus_month_names[month % 12], 2024 + month / 12, draft);
	}
}

static void
corpus_liaison(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	static const char *const purposes[] = {
		"For action", "For comment", "For information", "In response",
	};
	const char *body = corpus_pick(rng, corpus_liaison_bodies);
	const char *group;
	g_autofree char *draft = corpus_draft_name(rng, &group);
	g_autofree char *title = corpus_paragraph(corpus, rng, 1, 0);
	g_autofree char *subject = NULL;
	g_autofree char *lower = g_ascii_strdown(body, -1);
	guint id = 1800 + (guint)(n % 1000);
	guint sent = corpus_below(rng, 12 * 28);
	guint due = corpus_below(rng, 12 * 28);
	const char *purpose = corpus_pick(rng, purposes);

	title[MIN(strlen(title), 60)] = '\0';
	subject = g_strdup_printf("New Liaison Statement, \"LS on %s\"", title);
	corpus_headers(out, corpus, rng, n, "iesg",
	    "Liaison Statement Management Tool <statements@ietf.org>",
	    "The IETF Chair <chair@ietf.org>, The IESG <iesg@ietf.org>",
	    "The IAB <iab@iab.org>, liaison-coordination@iab.org", subject, 0);
	g_string_append(out, "MIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=\"utf-8\"\nContent-Transfer-Encoding: 7bit\n\n");
	g_string_append_printf(out, "Title: LS on %s\nSubmission Date: "
	    "2024-%02u-%02u\nURL of the IETF Web page: "
	    "https://datatracker.ietf.org/liaison/%u/\n\nFrom: %s (%s "
	    "<tsb%s@example.int>)\nTo: IETF (%s <%s@ietf.org>)\nCc: The IAB "
	    "<iab@iab.org>,%s-chairs@ietf.org\nResponse Contacts: "
	    "tsb%s@example.int\nTechnical Contacts: %s\nPurpose: %s\n"
	    "Deadline: 2024-%02u-%02u\n\nBody: ", title, sent / 28 + 1,
	    sent % 28 + 1, id, body, corpus_person(corpus->seed, n * 7 + 1),
	    lower, corpus_person(corpus->seed, n * 7 + 2), group, group, lower,
	    corpus_person(corpus->seed, n * 7 + 3), purpose, due / 28 + 1,
	    due % 28 + 1);
	for (guint i = 0, p = corpus_range(rng, 2, 6); i < p; i++) {
		g_autofree char *text = corpus_paragraph(corpus, rng,
		    corpus_range(rng, 2, 6), 150);

		corpus_wrap(out, text, "", 72);
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out, "Attachments:\n\n    LS text\n    "
	    "https://www.ietf.org/lib/dt/documents/LIAISON/liaison-2024-%u-"
	    "%s-ietf-ls.pdf\n\n", id, lower);
}

static void
corpus_agenda(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	g_autofree char *subject = g_strdup_printf("Preliminary Agenda and "
	    "Package for the %s %u, 2024 IESG Teleconference",
	    corpus_month_names[n / 8640 % 12], corpus_range(rng, 1, 28));

	corpus_headers(out, corpus, rng, n, "iesg",
	    "IESG Secretary <iesg-secretary@ietf.org>",
	    "The IESG <iesg@ietf.org>", NULL, subject, 0);
	g_string_append(out, "MIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=\"utf-8\"\nContent-Transfer-Encoding: 7bit\n\n"
	    "1. Administrivia\n\n1.1 Roll call\n1.2 Bash the agenda\n1.3 "
	    "Approval of the minutes of past telechats\n1.4 List of remaining "
	    "action items from last telechat\n\n2. Protocol actions\n\n");
	for (guint i = 0, docs = corpus_range(rng, 6, 16); i < docs; i++) {
		const char *group;
		g_autofree char *draft = corpus_draft_name(rng, &group);
		g_autofree char *title = corpus_paragraph(corpus, rng, 1, 0);

		title[MIN(strlen(title), 55)] = '\0';
		g_string_append_printf(out, "2.%u.%u %s\n  o %s\n    %s (%s)\n"
		    "    Token: %s\n    Ballot: https://datatracker.ietf.org/"
		    "doc/%s/ballot/\n\n", i / 5 + 1, i % 5 + 1,
		    i % 3 ? "Returning items" : "New items", draft, title,
		    corpus_pick(rng, corpus_statuses),
		    corpus_person(corpus->seed, n * 7 + i), draft);
	}
	g_string_append(out, "3. Management issues\n\n");
	corpus_indented(out, corpus, rng, corpus_range(rng, 2, 5));
}

static void
corpus_short(GString *out, struct corpus *corpus, struct corpus_rng *rng,
    guint64 n)
{
	GString *subject = g_string_new(NULL);
	g_autofree char *from = corpus_mailbox_string(corpus->seed, n * 7 + 1);
	const char *list = corpus_list_for(rng);
	g_autofree char *to = g_strdup_printf("%s@ietf.org", list);
	bool opener;

	corpus_thread_subject(subject, corpus, n, &opener);
	if (corpus_chance(rng, 300)) {
		g_string_prepend(subject, "Automatic reply: ");
		opener = true;
	}
	corpus_headers(out, corpus, rng, n, list, from, to, NULL, subject->str,
	    opener ? 0 : n - 5);
	g_string_append_printf(out, "MIME-Version: 1.0\nContent-Type: "
	    "text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n"
	    "\n%s\n\n%s\n", g_str_has_prefix(subject->str, "Automatic") ?
	    "I am out of the office with limited access to mail until Monday."
	    : "Thanks, that works for me. +1 to the proposed text.",
	    corpus_person(corpus->seed, n * 7 + 1));
	g_string_free(subject, TRUE);
}

static enum corpus_kind
corpus_choose_kind(struct corpus_rng *rng)
{
	guint roll = corpus_below(rng, 1000);

	for (int kind = 0; kind < KIND_COUNT; kind++) {
		if (roll < (guint)corpus_kinds[kind].share)
			return (enum corpus_kind)kind;
		roll -= (guint)corpus_kinds[kind].share;
	}
	return KIND_REPLY;
}

/* Message n, complete. */
static GString *
corpus_message(struct corpus *corpus, guint64 n)
{
	GString *out = g_string_sized_new(16384);
	struct corpus_rng rng;
	enum corpus_kind kind;

	corpus_rng_init(&rng, corpus->seed, n, 0);
	kind = corpus_choose_kind(&rng);
	corpus->counts[kind]++;
	switch (kind) {
	case KIND_REPLY:
	case KIND_HTML:
		corpus_reply(out, corpus, &rng, n, kind);
		break;
	case KIND_BALLOT:
		corpus_ballot(out, corpus, &rng, n);
		break;
	case KIND_ANNOUNCE:
		corpus_announce(out, corpus, &rng, n);
		break;
	case KIND_REVIEW:
		corpus_review(out, corpus, &rng, n);
		break;
	case KIND_LIAISON:
		corpus_liaison(out, corpus, &rng, n);
		break;
	case KIND_AGENDA:
		corpus_agenda(out, corpus, &rng, n);
		break;
	case KIND_SHORT:
		corpus_short(out, corpus, &rng, n);
		break;
	case KIND_ATTACH:
		corpus_attach(out, corpus, &rng, n);
		break;
	case KIND_COUNT:
		g_assert_not_reached();
	}
	corpus->bytes[kind] += out->len;
	return out;
}

/* ---- output ---- */

/* mboxrd: a From_ line, then every line matching ^>*From  gets one more
 * '>', then an empty line. */
static bool
corpus_write_mbox(FILE *file, const GString *message, gint64 when)
{
	GString *from = g_string_new("From bench@ietf.org ");
	const char *p = message->str, *end = message->str + message->len;

	corpus_asctime(from, when);
	g_string_append_c(from, '\n');
	fwrite(from->str, 1, from->len, file);
	g_string_free(from, TRUE);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		const char *q = p;

		while (q < next && *q == '>')
			q++;
		if (next - q >= 5 && memcmp(q, "From ", 5) == 0)
			fputc('>', file);
		fwrite(p, 1, (size_t)(next - p), file);
		p = next;
	}
	fputc('\n', file);
	return ferror(file) == 0;
}

static bool
corpus_write_file(const char *dir, guint64 n, const GString *message)
{
	g_autofree char *path = g_strdup_printf("%s/%06" G_GUINT64_FORMAT
	    ".eml", dir, n);
	FILE *file = fopen(path, "w");
	bool ok;

	if (file == NULL) {
		fprintf(stderr, "bench_corpus: %s: %s\n", path,
		    g_strerror(errno));
		return false;
	}
	ok = fwrite(message->str, 1, message->len, file) == message->len;
	ok = fclose(file) == 0 && ok;
	if (!ok)
		fprintf(stderr, "bench_corpus: %s: write failed\n", path);
	return ok;
}

static void
corpus_init(struct corpus *corpus, guint64 seed)
{
	memset(corpus, 0, sizeof(*corpus));
	corpus->seed = seed;
	corpus->words = g_strsplit(corpus_vocabulary, " ", -1);
	corpus->n_words = g_strv_length(corpus->words);
}

int
main(int argc, char **argv)
{
	gint64 seed = 42, first = 1, count = 0;
	g_autofree char *dir = NULL, *mbox = NULL;
	const GOptionEntry entries[] = {
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "seed (42)", "N" },
		{ "first", 0, 0, G_OPTION_ARG_INT64, &first,
		  "number of the first message (1)", "N" },
		{ "count", 0, 0, G_OPTION_ARG_INT64, &count, "messages", "N" },
		{ "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
		  "one file per message in DIR", "DIR" },
		{ "mbox", 0, 0, G_OPTION_ARG_FILENAME, &mbox,
		  "one mboxrd file", "FILE" },
		{ NULL },
	};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;
	struct corpus corpus;
	FILE *file = NULL;
	guint64 bytes = 0;
	bool ok = true;

	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) ||
	    count < 1 || first < 1 || (dir == NULL) == (mbox == NULL)) {
		fprintf(stderr, "usage: bench_corpus [--seed N] [--first N] "
		    "--count N (--dir DIR | --mbox FILE)%s%s\n",
		    error ? ": " : "", error ? error->message : "");
		return 2;
	}
	if (dir != NULL && g_mkdir_with_parents(dir, 0755) != 0) {
		fprintf(stderr, "bench_corpus: %s: %s\n", dir,
		    g_strerror(errno));
		return 1;
	}
	if (mbox != NULL && (file = fopen(mbox, "w")) == NULL) {
		fprintf(stderr, "bench_corpus: %s: %s\n", mbox,
		    g_strerror(errno));
		return 1;
	}
	if (file != NULL)
		setvbuf(file, NULL, _IOFBF, 1 << 20);
	corpus_init(&corpus, (guint64)seed);
	for (gint64 n = first; ok && n < first + count; n++) {
		GString *message = corpus_message(&corpus, (guint64)n);

		bytes += message->len;
		ok = file != NULL ? corpus_write_mbox(file, message,
		    corpus_time(&corpus, (guint64)n))
				  : corpus_write_file(dir, (guint64)n, message);
		g_string_free(message, TRUE);
	}
	if (file != NULL && fclose(file) != 0)
		ok = false;
	g_strfreev(corpus.words);
	if (!ok) {
		fprintf(stderr, "bench_corpus: writing failed\n");
		return 1;
	}
	fprintf(stderr, "%" G_GINT64_FORMAT " messages, %" G_GUINT64_FORMAT
	    " bytes, mean %" G_GUINT64_FORMAT " bytes:", count, bytes,
	    bytes / (guint64)count);
	for (int kind = 0; kind < KIND_COUNT; kind++)
		fprintf(stderr, "%s %" G_GUINT64_FORMAT " %s (mean %"
		    G_GUINT64_FORMAT ")", kind ? "," : "", corpus.counts[kind],
		    corpus_kinds[kind].name, corpus.counts[kind] ?
		    corpus.bytes[kind] / corpus.counts[kind] : 0);
	fputc('\n', stderr);
	return 0;
}
