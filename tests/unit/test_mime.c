/* test_mime.c: mime_parse on realistic, broken and hostile mail.
 * LIAISONBOT_WRITE_CORPUS=dir writes every fixed message there (the fuzz
 * seed corpus, tests/fuzz/corpus/mime/, is made that way). */
#include <string.h>

#include "mail_files.h"
#include "mime.h"
#include "tap.h"
#include "text.h"

#define ARRIVAL 1700000000
/* Hostile input must cost bounded time; generous for valgrind and ASan,
 * tight enough to catch quadratic behaviour. */
#define MAX_SECONDS 30

/* One message and what must come out of it. NULL strings are not
 * checked; "contains"/"lacks" are substrings of message->text. */
struct mime_case {
	const char *name;
	const char *raw;
	const char *message_id;
	const char *subject;
	const char *from_name;
	const char *from_address;
	const char *contains;
	const char *lacks;
	unsigned flags;			/* must be set */
	unsigned clear;			/* must not be set */
	size_t len;			/* 0: strlen(raw) */
};

#define NUL_MESSAGE \
	"From: x@example.com\n" \
	"Subject: nul\n" \
	"Date: Fri, 8 Mar 2024 08:00:00 +0000\n" \
	"Message-ID: <nul@example.com>\n" \
	"\n" \
	"before\0after\n"
#define JUNK_MESSAGE "\x89PNG\r\n\x1a\n\xff\xfe\x00\x01garbage:\n\n\n"

/* The last part of a multipart/mixed with boundary "b". */
#define HTML_ATTACHMENT \
	"--b\n" \
	"Content-Type: text/html\n" \
	"Content-Disposition: attachment; filename=page.html\n" \
	"\n" \
	"<p>attached page</p>\n" \
	"--b--\n"

#define F(x) MESSAGE_FLAG_##x
#define ALL_FLAGS (MESSAGE_FLAGS_PROBLEMS)

static const struct mime_case cases[] = {
	{ "announcement, utf-8 8bit",
	  "Return-Path: <iesg-secretary@ietf.org>\n"
	  "Received: from mail.ietf.org by mx.example.org; "
	  "Tue, 5 Mar 2024 09:00:02 +0000\n"
	  "From: The IESG <iesg-secretary@ietf.org>\n"
	  "To: IETF-Announce <ietf-announce@ietf.org>\n"
	  "Cc: draft-ietf-quic-multipath@ietf.org, quic-chairs@ietf.org\n"
	  "Subject: Protocol Action: 'Multipath Extension for QUIC' to "
	  "Proposed Standard (draft-ietf-quic-multipath-14.txt)\n"
	  "Date: Tue, 05 Mar 2024 01:00:00 -0800\n"
	  "Message-ID: <170962800012.1234.5678@ietfa.amsl.com>\n"
	  "List-Id: IETF Announcement List <IETF-Announce.IETF.org>\n"
	  "Archived-At: <https://mailarchive.ietf.org/arch/msg/ietf-announce/"
	  "abc123>\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=\"utf-8\"\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "The IESG has approved the following document:\n"
	  "- 'Multipath Extension for QUIC' — Yanmei Liu and Qing An\n",
	  "170962800012.1234.5678@ietfa.amsl.com",
	  "Protocol Action: 'Multipath Extension for QUIC' to Proposed "
	  "Standard (draft-ietf-quic-multipath-14.txt)",
	  "The IESG", "iesg-secretary@ietf.org",
	  "Multipath Extension for QUIC' — Yanmei", NULL, 0, ALL_FLAGS, 0 },
	{ "quoted-printable iso-8859-1, q-encoded subject",
	  "From: =?ISO-8859-1?Q?Andr=E9_M=FCller?= <Andre.Muller@Example.COM>\n"
	  "To: iab@iab.org\n"
	  "Subject: =?iso-8859-1?q?R=E9union_du_comit=E9?=\n"
	  "Date: Wed, 6 Mar 2024 10:00:00 +0100\n"
	  "Message-Id: <qp1@example.com>\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=iso-8859-1\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "Caf=E9 au lait, na=EFve r=E9sum=E9. A soft line =\n"
	  "break.\n",
	  "qp1@example.com", "Réunion du comité", "André Müller",
	  "andre.muller@example.com",
	  "Café au lait, naïve résumé. A soft line break.", "=E9", 0,
	  ALL_FLAGS, 0 },
	{ "base64 utf-8, folded adjacent encoded words",
	  "From: \"Suresh K.\" <suresh@example.net>\n"
	  "Subject: =?UTF-8?B?TGlhaXNvbiBzdGF0ZW1lbnQg4oCc?=\n"
	  " =?UTF-8?B?SU1ULTIwMzDigJ0=?=\n"
	  "Date: Thu, 7 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <b64@example.net>\n"
	  "Content-Type: text/plain; charset=UTF-8\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "VGhlIElBQiByZWNlaXZlZCBhIGxpYWlzb24g4oCUIHBsZWFzZSByZXZpZXcu\n"
	  "Cg==\n",
	  "b64@example.net", "Liaison statement “IMT-2030”", "Suresh K.",
	  "suresh@example.net", "The IAB received a liaison — please review.",
	  NULL, 0, ALL_FLAGS, 0 },
	{ "windows-1252 smart quotes",
	  "From: Pat <pat@example.com>\n"
	  "Subject: quotes\n"
	  "Date: Thu, 7 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <cp1252@example.com>\n"
	  "Content-Type: text/plain; charset=windows-1252\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "\x93Quoted\x94 costs \x80" "5 \x96 ok\n",
	  "cp1252@example.com", "quotes", NULL, NULL,
	  "“Quoted” costs €5 – ok", NULL, 0, ALL_FLAGS, 0 },
	{ "koi8-r body and subject",
	  "From: =?koi8-r?B?98HT?= <vasya@example.ru>\n"
	  "Subject: =?KOI8-R?B?7sHXxdLOz8U=?=\n"
	  "Date: Thu, 7 Mar 2024 08:00:00 +0300\n"
	  "Message-ID: <koi8@example.ru>\n"
	  "Content-Type: text/plain; charset=KOI8-R\n"
	  "Content-Transfer-Encoding: 8bit\n"
	  "\n"
	  "\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2!\n",
	  "koi8@example.ru", "Наверное", "Вас", "vasya@example.ru",
	  "Привет, мир!", NULL, 0, ALL_FLAGS, 0 },
	{ "iso-2022-jp body and subject",
	  "From: Taro <taro@example.jp>\n"
	  "Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\n"
	  "Date: Thu, 7 Mar 2024 17:00:00 +0900\n"
	  "Message-ID: <jis@example.jp>\n"
	  "Content-Type: text/plain; charset=ISO-2022-JP\n"
	  "Content-Transfer-Encoding: 7bit\n"
	  "\n"
	  "\x1b$BF|K\\8l\x1b(B text\n",
	  "jis@example.jp", "日本語", "Taro", "taro@example.jp",
	  "日本語 text", NULL, 0, ALL_FLAGS, 0 },
	{ "multipart/alternative takes the plain part",
	  "From: Ann <ann@example.com>\n"
	  "Subject: alt\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <alt@example.com>\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: multipart/alternative; boundary=\"b1\"\n"
	  "\n"
	  "--b1\n"
	  "Content-Type: text/plain; charset=us-ascii\n"
	  "\n"
	  "plain version\n"
	  "--b1\n"
	  "Content-Type: text/html; charset=us-ascii\n"
	  "\n"
	  "<p>html version</p>\n"
	  "--b1--\n",
	  "alt@example.com", "alt", NULL, NULL, "plain version",
	  "html version", 0, ALL_FLAGS, 0 },
	{ "mixed with attached liaison statement",
	  "From: Liaison Manager <liaison@example.org>\n"
	  "To: iab@iab.org\n"
	  "Subject: Fwd: New Liaison Statement\n"
	  "Date: Fri, 8 Mar 2024 09:00:00 +0000\n"
	  "Message-ID: <fwd@example.org>\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=\"outer\"\n"
	  "\n"
	  "This is a multi-part message in MIME format.\n"
	  "--outer\n"
	  "Content-Type: multipart/alternative; boundary=\"inner\"\n"
	  "\n"
	  "--inner\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "For the IAB's attention.\n"
	  "--inner\n"
	  "Content-Type: text/html\n"
	  "\n"
	  "<p>For the IAB's attention (html).</p>\n"
	  "--inner--\n"
	  "--outer\n"
	  "Content-Type: message/rfc822\n"
	  "Content-Disposition: inline\n"
	  "\n"
	  "From: Liaison Statement Management Tool <statements@ietf.org>\n"
	  "Subject: New Liaison Statement, \"LS on IMT-2030 vision\"\n"
	  "Date: Thu, 7 Mar 2024 12:00:00 +0000\n"
	  "Message-ID: <inner@ietf.org>\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "Title: LS on IMT-2030 vision\n"
	  "From: ITU-R WP5D\n"
	  "> not a quote of ours\n"
	  "--outer\n"
	  "Content-Type: application/pdf; name=\"ls.pdf\"\n"
	  "Content-Disposition: attachment; filename=\"ls.pdf\"\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K\n"
	  "--outer--\n",
	  "fwd@example.org", "Fwd: New Liaison Statement", "Liaison Manager",
	  "liaison@example.org",
	  "For the IAB's attention.\n\n" TEXT_ATTACHED_MARKER "\n"
	  "From: Liaison Statement Management Tool <statements@ietf.org>\n",
	  "(html)", 0, ALL_FLAGS, 0 },
	{ "html only",
	  "From: News <news@example.com>\n"
	  "Subject: html only\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <html@example.com>\n"
	  "Content-Type: text/html; charset=iso-8859-1\n"
	  "\n"
	  "<html><head><style>.x{}</style></head><body>"
	  "<script>var s = 1;</script>"
	  "<p>Caf\xe9 &amp; cr&egrave;me</p><div>line two</div>"
	  "</body></html>\n",
	  "html@example.com", "html only", NULL, NULL,
	  "Café & crème\n\nline two", "var s", 0, ALL_FLAGS, 0 },
	{ "broken boundary",
	  "From: x@example.com\n"
	  "Subject: broken\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <bb@example.com>\n"
	  "Content-Type: multipart/mixed; boundary=\"declared\"\n"
	  "\n"
	  "--actual\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "lost text\n"
	  "--actual--\n",
	  "bb@example.com", "broken", NULL, "x@example.com", NULL, NULL,
	  F(BROKEN_MIME), F(BAD_DATE) | F(NO_FROM), 0 },
	{ "missing end boundary",
	  "From: x@example.com\n"
	  "Subject: cut\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <cut@example.com>\n"
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "cut short\n",
	  "cut@example.com", NULL, NULL, NULL, "cut short", NULL,
	  F(BROKEN_MIME), F(NO_TEXT), 0 },
	{ "conflicting content-type parameters",
	  "From: x@example.com\n"
	  "Subject: params\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <params@example.com>\n"
	  "Content-Type: text/plain; charset=\"utf-8\"; charset=latin1\n"
	  "\n"
	  "params\n",
	  "params@example.com", NULL, NULL, NULL, "params", NULL,
	  F(BROKEN_MIME), 0, 0 },
	{ "multipart without boundary",
	  "From: x@example.com\n"
	  "Subject: nb\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <nb@example.com>\n"
	  "Content-Type: multipart/mixed\n"
	  "\n"
	  "just text\n",
	  "nb@example.com", NULL, NULL, NULL, NULL, NULL, F(BROKEN_MIME), 0,
	  0 },
	{ "missing headers",
	  "X-Mailer: ancient\n"
	  "\n"
	  "body without headers\n",
	  NULL, "", NULL, NULL, "body without headers", NULL,
	  F(NO_FROM) | F(BAD_DATE) | F(NO_MESSAGE_ID),
	  F(BROKEN_MIME) | F(NO_TEXT), 0 },
	{ "bad date",
	  "From: x@example.com\n"
	  "Subject: when\n"
	  "Date: the day after tomorrow\n"
	  "Message-ID: <date@example.com>\n"
	  "\n"
	  "text\n",
	  "date@example.com", "when", NULL, NULL, "text", NULL, F(BAD_DATE),
	  F(NO_FROM), 0 },
	{ "8-bit junk in headers",
	  "From: Ren\xe9 <rene@example.fr>\n"
	  "Subject: R\xe9union \x93IAB\x94\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <junk@example.fr>\n"
	  "\n"
	  "text\n",
	  "junk@example.fr", "Réunion “IAB”", "René", "rene@example.fr", NULL,
	  NULL, F(BAD_ENCODING), 0, 0 },
	{ "invalid utf-8 body repaired",
	  "From: x@example.com\n"
	  "Subject: bad utf8\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <u8@example.com>\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "ok \xc3\xa9 bad \xff\xfe end\n",
	  "u8@example.com", NULL, NULL, NULL, "ok é bad \xef\xbf\xbd", NULL,
	  F(BAD_ENCODING), 0, 0 },
	{ "undeclared 8-bit body",
	  "From: x@example.com\n"
	  "Subject: no charset\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <nocs@example.com>\n"
	  "\n"
	  "na\xefve\n",
	  "nocs@example.com", NULL, NULL, NULL, "naïve", NULL,
	  F(BAD_ENCODING), 0, 0 },
	{ "unknown charset",
	  "From: x@example.com\n"
	  "Subject: klingon\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <tlh@example.com>\n"
	  "Content-Type: text/plain; charset=x-klingon-8\n"
	  "\n"
	  "Qapla\xe9\n",
	  "tlh@example.com", NULL, NULL, NULL, "Qaplaé", NULL,
	  F(BAD_ENCODING), 0, 0 },
	{ "broken encoded words",
	  "From: x@example.com\n"
	  "Subject: =?utf-8?q?Hello World?= and=?iso-8859-1?q?_caf=E9?=\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <ew@example.com>\n"
	  "\n"
	  "text\n",
	  "ew@example.com", "Hello World and café", NULL, NULL, NULL, NULL,
	  F(BAD_ENCODING), 0, 0 },
	{ "bad base64 and quoted-printable",
	  "From: x@example.com\n"
	  "Subject: bad transfer encoding\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <bte@example.com>\n"
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "aGVsbG8g!!d29ybGQ=\n"
	  "--b\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "100=% sure\n"
	  "--b--\n",
	  "bte@example.com", NULL, NULL, NULL, "hello world", NULL,
	  F(BAD_ENCODING), 0, 0 },
	{ "CRLF line ends",
	  "From: Crlf User <crlf@example.com>\r\n"
	  "Subject: line\r\n ends\r\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\r\n"
	  "Message-ID: <crlf@example.com>\r\n"
	  "Content-Type: text/plain; charset=us-ascii\r\n"
	  "\r\n"
	  "first\r\nsecond\r\n",
	  "crlf@example.com", "line ends", "Crlf User", "crlf@example.com",
	  "first\nsecond", "\r", 0, ALL_FLAGS, 0 },
	{ "duplicate Message-ID",
	  "From: x@example.com\n"
	  "Subject: dup\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <first@example.com>\n"
	  "Message-ID: <second@example.com>\n"
	  "\n"
	  "text\n",
	  "first@example.com", NULL, NULL, NULL, NULL, NULL, F(DUPLICATE_ID),
	  0, 0 },
	{ "no text part",
	  "From: x@example.com\n"
	  "Subject: image\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <img@example.com>\n"
	  "Content-Type: image/png\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "iVBORw0KGgo=\n",
	  "img@example.com", NULL, NULL, NULL, NULL, NULL, F(NO_TEXT), 0, 0 },
	{ "mbox From line skipped, group and bare From",
	  "From joe@example.com Fri Mar  8 08:00:00 2024\n"
	  "From: joe@example.com\n"
	  "To: undisclosed-recipients:;\n"
	  "Subject: mbox\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <mbox@example.com>\n"
	  "\n"
	  "text\n",
	  "mbox@example.com", "mbox", NULL, "joe@example.com", "text", NULL, 0,
	  F(BAD_HEADERS) | F(NO_FROM), 0 },
	{ "obsolete space before colon",
	  "From : Old Mailer <old@example.com>\n"
	  "Subject : obs\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <obs@example.com>\n"
	  "\n"
	  "text\n",
	  "obs@example.com", "obs", "Old Mailer", "old@example.com", "text",
	  NULL, 0, F(NO_FROM), 0 },
	{ "From without address",
	  "From: Mail Delivery Subsystem\n"
	  "Subject: bounce\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <bounce@example.com>\n"
	  "\n"
	  "text\n",
	  "bounce@example.com", NULL, NULL, NULL, NULL, NULL, F(NO_FROM), 0,
	  0 },
	{ "html attachment next to plain text",
	  "From: x@example.com\n"
	  "Subject: attached page\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <ha1@example.com>\n"
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: text/plain\n"
	  "\n"
	  "the body\n"
	  HTML_ATTACHMENT,
	  "ha1@example.com", NULL, NULL, NULL, "the body", "attached page", 0,
	  F(NO_TEXT), 0 },
	{ "html attachment as the only text",
	  "From: x@example.com\n"
	  "Subject: attached page\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <ha2@example.com>\n"
	  "Content-Type: multipart/mixed; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: image/gif\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "R0lGODlhAQABAAAAACw=\n"
	  HTML_ATTACHMENT,
	  "ha2@example.com", NULL, NULL, NULL, "attached page", NULL, 0,
	  F(NO_TEXT), 0 },
	{ "multipart/signed",
	  "From: Sec AD <sec@example.org>\n"
	  "Subject: signed\n"
	  "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	  "Message-ID: <signed@example.org>\n"
	  "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
	  " protocol=\"application/pgp-signature\"; boundary=\"sig\"\n"
	  "\n"
	  "--sig\n"
	  "Content-Type: text/plain; charset=utf-8\n"
	  "\n"
	  "Signed statement.\n"
	  "--sig\n"
	  "Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
	  "\n"
	  "-----BEGIN PGP SIGNATURE-----\n"
	  "iQEzBAEBCAAdFiEE\n"
	  "-----END PGP SIGNATURE-----\n"
	  "--sig--\n",
	  "signed@example.org", NULL, NULL, NULL, "Signed statement.",
	  "PGP SIGNATURE", 0, ALL_FLAGS, 0 },
	{ "NUL bytes in body", NUL_MESSAGE,
	  "nul@example.com", NULL, NULL, NULL, "beforeafter", NULL,
	  F(BAD_ENCODING), 0, sizeof(NUL_MESSAGE) - 1 },
	{ "empty input",
	  "", NULL, "", NULL, NULL, NULL, NULL,
	  F(NO_FROM) | F(BAD_DATE) | F(NO_MESSAGE_ID) | F(NO_TEXT), 0, 0 },
	{ "binary junk", JUNK_MESSAGE, NULL, "", NULL, NULL, NULL, NULL,
	  F(NO_FROM) | F(BAD_DATE) | F(NO_MESSAGE_ID), 0,
	  sizeof(JUNK_MESSAGE) - 1 },
};

static void
check_case(const struct mime_case *c)
{
	size_t len = c->len != 0 ? c->len : strlen(c->raw);
	g_autoptr(GBytes) raw = g_bytes_new_static(c->raw, len);
	struct message *m = mime_parse(raw, ARRIVAL);
	g_autofree char *flags = message_flags_describe(m->flags);

	ok(m->raw == raw, "%s: keeps raw", c->name);
	if (c->message_id != NULL)
		is_str(m->message_id, c->message_id, "%s: message id",
		    c->name);
	else
		ok(g_str_has_prefix(m->message_id, "sha256-") &&
		    g_str_has_suffix(m->message_id, "@" MIME_HASH_DOMAIN),
		    "%s: hashed message id %s", c->name, m->message_id);
	if (c->subject != NULL)
		is_str(m->subject, c->subject, "%s: subject", c->name);
	if (c->from_name != NULL)
		is_str(m->from_name, c->from_name, "%s: from name", c->name);
	if (c->from_address != NULL)
		is_str(m->from_address, c->from_address, "%s: from address",
		    c->name);
	if ((c->contains != NULL && !ok(strstr(m->text, c->contains) != NULL,
	    "%s: text has what it should", c->name)) ||
	    (c->lacks != NULL && !ok(strstr(m->text, c->lacks) == NULL,
	    "%s: text lacks what it should", c->name))) {
		g_autofree char *text = g_strescape(m->text, NULL);

		diag("text: %s", text);
	}
	ok((m->flags & c->flags) == c->flags, "%s: flags %s include %x",
	    c->name, flags, c->flags);
	ok((m->flags & c->clear) == 0, "%s: flags %s exclude %x", c->name,
	    flags, c->clear);
	ok(g_utf8_validate(m->text, -1, NULL) &&
	    g_utf8_validate(m->own_text, -1, NULL) &&
	    g_utf8_validate(m->subject, -1, NULL),
	    "%s: text, own text and subject are UTF-8", c->name);
	ok(m->thread_key != NULL && m->subject_key != NULL &&
	    m->own_text != NULL, "%s: keys and own text set", c->name);
	if (m->flags & MESSAGE_FLAG_BAD_DATE)
		is_int(m->date, ARRIVAL, "%s: bad date is arrival", c->name);
	message_free(m);
}

/* Every field of one complete message, headers in order. */
static void
test_fields(void)
{
	g_autoptr(GBytes) raw = g_bytes_new_static(cases[0].raw,
	    strlen(cases[0].raw));
	struct message *m = mime_parse(raw, ARRIVAL);
	static const char *const names[] = { "Return-Path", "Received",
		"From", "To", "Cc", "Subject", "Date", "Message-ID", "List-Id",
		"Archived-At", "MIME-Version", "Content-Type",
		"Content-Transfer-Encoding" };
	bool order = m->headers->len == G_N_ELEMENTS(names);

	for (guint i = 0; order && i < m->headers->len; i++) {
		const struct message_header *h = m->headers->pdata[i];

		order = strcmp(h->name, names[i]) == 0;
	}
	ok(order, "headers: all %zu, in order", G_N_ELEMENTS(names));
	is_str(message_get_header(m, "content-type"),
	    "text/plain; charset=\"utf-8\"", "headers: Content-Type value");
	is_str(m->list_id, "ietf-announce.ietf.org", "list id lower case");
	is_str(m->archived_at,
	    "https://mailarchive.ietf.org/arch/msg/ietf-announce/abc123",
	    "archived-at without <>");
	is_str(m->to, "IETF-Announce <ietf-announce@ietf.org>", "to");
	is_str(m->cc, "draft-ietf-quic-multipath@ietf.org, "
	    "quic-chairs@ietf.org", "cc");
	is_int(m->date, 1709629200, "date in UTC seconds");
	is_int(m->arrival, ARRIVAL, "arrival");
	is_int(m->flags, 0, "no flags");
	ok(m->in_reply_to == NULL && m->references == NULL,
	    "no in-reply-to, no references");
	is_str(m->thread_key, m->message_id, "thread key is own id");
	is_str(m->subject_key, "protocol action: 'multipath extension for "
	    "quic' to proposed standard (draft-ietf-quic-multipath-14.txt)",
	    "subject key");
	message_free(m);
}

static void
test_reply(void)
{
	static const char reply[] =
	    "From: \"Kline, Erik\" <ek@example.com>\n"
	    "To: The IESG <iesg@ietf.org>, Somebody <s@example.com>\n"
	    "Subject: Re: [IESG] Re: Telechat agenda\n"
	    "Date: Mon, 11 Mar 2024 08:00:00 +0000\n"
	    "Message-ID: <reply@example.com>\n"
	    "In-Reply-To: <parent@example.com> (Joe's message of Sunday)\n"
	    "References: <root@example.com>\n"
	    "\t<middle@example.com> <parent@example.com>\n"
	    "List-Id: <iesg.ietf.org>\n"
	    "\n"
	    "Fine with me.\n"
	    "\n"
	    "On Sun, Mar 10, 2024 at 9:00 PM Joe <joe@example.com> wrote:\n"
	    "> Agenda attached.\n"
	    "-- \n"
	    "Erik\n"
	    "_______________________________________________\n"
	    "iesg mailing list\n"
	    "https://www.ietf.org/mailman/listinfo/iesg\n";
	g_autoptr(GBytes) raw = g_bytes_new_static(reply, strlen(reply));
	struct message *m = mime_parse(raw, ARRIVAL);

	is_str(m->in_reply_to, "parent@example.com", "reply: in-reply-to");
	ok(m->references != NULL && g_strv_length(m->references) == 3 &&
	    strcmp(m->references[0], "root@example.com") == 0 &&
	    strcmp(m->references[2], "parent@example.com") == 0,
	    "reply: references oldest first");
	is_str(m->thread_key, "root@example.com", "reply: thread key");
	is_str(m->subject_key, "telechat agenda", "reply: subject key");
	is_str(m->list_id, "iesg.ietf.org", "reply: list id");
	is_str(m->from_name, "Kline, Erik", "reply: from name");
	is_str(m->to, "The IESG <iesg@ietf.org>, Somebody <s@example.com>",
	    "reply: to");
	ok(m->cc == NULL, "reply: no cc");
	is_str(m->own_text, "Fine with me.", "reply: own text");
	message_free(m);
}

/* An HTML-only reply: the quoted part goes the way of "> " lines. */
static void
test_html_reply(void)
{
	static const char reply[] =
	    "From: x@example.com\n"
	    "Subject: Re: retreat\n"
	    "Date: Fri, 8 Mar 2024 08:00:00 +0000\n"
	    "Message-ID: <hr@example.com>\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "\n"
	    "<div dir=\"ltr\">Thursday works.</div><br>"
	    "<div class=\"gmail_quote\">"
	    "<div class=\"gmail_attr\">On Thu, Mar 7, 2024 at 9:00 AM Joe &lt;"
	    "joe@example.com&gt; wrote:<br></div><blockquote>Which day?<br>"
	    "<blockquote>nested</blockquote></blockquote></div>\n";
	g_autoptr(GBytes) raw = g_bytes_new_static(reply, strlen(reply));
	struct message *m = mime_parse(raw, ARRIVAL);

	ok(strstr(m->text, "> Which day?") != NULL, "html reply: quote marked");
	is_str(m->own_text, "Thursday works.", "html reply: own text");
	message_free(m);
}

/* More headers than message->headers keeps. */
static void
test_many_headers(void)
{
	GString *s = g_string_new("From: x@example.com\nMessage-ID: <h@x>\n");
	GBytes *raw;
	struct message *m;

	for (int i = 0; i < MIME_HEADERS_MAX + 200; i++)
		g_string_append_printf(s, "X-Trace-%d: hop %d\n", i, i);
	g_string_append(s, "Subject: late subject\n\nbody\n");
	raw = g_string_free_to_bytes(s);
	m = mime_parse(raw, ARRIVAL);
	is_int(m->headers->len, MIME_HEADERS_MAX, "many headers: kept %d",
	    MIME_HEADERS_MAX);
	ok(m->flags & MESSAGE_FLAG_TRUNCATED, "many headers: truncated");
	is_str(m->subject, "late subject", "many headers: late subject read");
	message_free(m);
	g_bytes_unref(raw);
}

/* The id hash ignores transport: other Received lines, CRLF, mbox line. */
static void
test_hash_stable(void)
{
	static const char *const copies[] = {
	    "Received: from a.example by b.example; Mon, 11 Mar 2024\n"
	    "From: Anon <anon@example.com>\n"
	    "Subject: no id\n"
	    "Date: Mon, 11 Mar 2024 08:00:00 +0000\n"
	    "\n"
	    "body\n",
	    "From anon@example.com Mon Mar 11 08:00:05 2024\n"
	    "Received: from c.example by d.example; Mon, 11 Mar 2024\n"
	    "Received: from e.example by c.example; Mon, 11 Mar 2024\n"
	    "From: Anon <anon@example.com>\n"
	    "Subject: no id\n"
	    "Date: Mon, 11 Mar 2024 08:00:00 +0000\n"
	    "\n"
	    "body\n",
	    "Received: from imap.example; Mon, 11 Mar 2024\r\n"
	    "From: Anon\r\n <anon@example.com>\r\n"
	    "Subject: no id\r\n"
	    "Date: Mon, 11 Mar 2024 08:00:00 +0000\r\n"
	    "\r\n"
	    "body\r\n",
	};
	static const char other[] =
	    "From: Anon <anon@example.com>\n"
	    "Subject: no id\n"
	    "Date: Mon, 11 Mar 2024 08:00:00 +0000\n"
	    "\n"
	    "another body\n";
	g_autofree char *first = NULL;
	struct message *m;

	for (size_t i = 0; i < G_N_ELEMENTS(copies); i++) {
		g_autoptr(GBytes) raw = g_bytes_new_static(copies[i],
		    strlen(copies[i]));

		m = mime_parse(raw, ARRIVAL + (gint64)i);
		ok(m->flags & MESSAGE_FLAG_NO_MESSAGE_ID,
		    "hash copy %zu: flagged no-message-id", i);
		ok(strlen(m->message_id) == strlen("sha256-@") + 32 +
		    strlen(MIME_HASH_DOMAIN), "hash copy %zu: %s", i,
		    m->message_id);
		if (first == NULL)
			first = g_strdup(m->message_id);
		else
			is_str(m->message_id, first, "hash copy %zu: same id",
			    i);
		message_free(m);
	}
	g_autoptr(GBytes) raw = g_bytes_new_static(other, strlen(other));
	m = mime_parse(raw, ARRIVAL);
	ok(strcmp(m->message_id, first) != 0, "hash: other body, other id");
	message_free(m);
}

/* A 1 MB header line: bounded output, flagged. */
static void
test_long_header(void)
{
	GString *s = g_string_new("From: x@example.com\nMessage-ID: <l@x>\n"
	    "Subject: ");
	GBytes *raw;
	struct message *m;
	gint64 start = g_get_monotonic_time();

	for (int i = 0; i < 1024 * 1024 / 8; i++)
		g_string_append(s, "abcdefg ");
	g_string_append(s, "\nX-Long: ");
	for (int i = 0; i < 1024 * 1024; i++)
		g_string_append_c(s, 'x');
	g_string_append(s, "\n\nbody\n");
	raw = g_string_free_to_bytes(s);
	m = mime_parse(raw, ARRIVAL);
	ok(m->flags & MESSAGE_FLAG_TRUNCATED, "long header: truncated");
	ok(strlen(m->subject) <= MIME_HEADER_MAX && strlen(m->subject) > 1000,
	    "long header: subject cut to %zu bytes", strlen(m->subject));
	ok(strlen(message_get_header(m, "X-Long")) <= MIME_HEADER_MAX,
	    "long header: other header cut");
	ok(strstr(m->text, "body") != NULL, "long header: body still read");
	ok(g_get_monotonic_time() - start < MAX_SECONDS * G_USEC_PER_SEC,
	    "long header: parsed in %lld ms",
	    (long long)(g_get_monotonic_time() - start) / 1000);
	message_free(m);
	g_bytes_unref(raw);
}

/* Multiparts nested 5,000 deep: no stack overflow, text outside kept. */
static void
test_deep_nesting(void)
{
	GString *s = g_string_new("From: x@example.com\nMessage-ID: <deep@x>\n"
	    "Content-Type: multipart/mixed; boundary=\"b0\"\n\n"
	    "--b0\nContent-Type: text/plain\n\ntop text\n");
	GBytes *raw;
	struct message *m;
	const int depth = 5000;

	for (int i = 0; i < depth; i++)
		g_string_append_printf(s, "--b%d\nContent-Type: "
		    "multipart/mixed; boundary=\"b%d\"\n\n", i, i + 1);
	g_string_append_printf(s, "--b%d\nContent-Type: text/plain\n\n"
	    "deepest text\n", depth);
	for (int i = depth; i >= 0; i--)
		g_string_append_printf(s, "--b%d--\n", i);
	raw = g_string_free_to_bytes(s);
	m = mime_parse(raw, ARRIVAL);
	ok(strstr(m->text, "top text") != NULL, "deep: top text kept");
	ok(m->flags & MESSAGE_FLAG_TRUNCATED, "deep: truncated");
	message_free(m);
	g_bytes_unref(raw);

	/* and message/rfc822 inside message/rfc822, likewise */
	s = g_string_new("");
	for (int i = 0; i < depth; i++)
		g_string_append(s, "From: x@example.com\nSubject: nest\n"
		    "Content-Type: message/rfc822\n\n");
	g_string_append(s, "Subject: inner\n\ninnermost\n");
	raw = g_string_free_to_bytes(s);
	m = mime_parse(raw, ARRIVAL);
	ok(m->flags & MESSAGE_FLAG_TRUNCATED, "deep rfc822: truncated");
	ok(strlen(m->text) <= MIME_TEXT_MAX, "deep rfc822: bounded text");
	message_free(m);
	g_bytes_unref(raw);
}

static void
append_base64(GString *s, size_t bytes)
{
	guchar block[57];
	g_autofree char *line = NULL;

	memset(block, 'A', sizeof(block));
	line = g_base64_encode(block, sizeof(block));
	for (size_t n = 0; n < bytes; n += sizeof(block))
		g_string_append_printf(s, "%s\n", line);
}

/* 20 MB base64 attachments: skipped when binary, capped when text. */
static void
test_big_attachment(void)
{
	static const char *const types[] = { "application/octet-stream",
		"text/plain; charset=utf-8" };

	for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
		GString *s = g_string_new("From: x@example.com\n"
		    "Message-ID: <big@x>\n"
		    "Content-Type: multipart/mixed; boundary=b\n\n"
		    "--b\nContent-Type: text/plain\n\nsee attachment\n--b\n");
		gint64 start = g_get_monotonic_time(), elapsed;
		struct message *m;
		GBytes *raw;
		bool text = i == 1;

		g_string_append_printf(s, "Content-Type: %s\n"
		    "Content-Disposition: attachment; filename=big\n"
		    "Content-Transfer-Encoding: base64\n\n", types[i]);
		append_base64(s, 20 * 1024 * 1024);
		g_string_append(s, "--b--\n");
		raw = g_string_free_to_bytes(s);
		m = mime_parse(raw, ARRIVAL);
		ok(strstr(m->text, "see attachment") != NULL,
		    "big %s: body text", types[i]);
		ok(strlen(m->text) <= MIME_TEXT_MAX,
		    "big %s: text within limit (%zu)", types[i],
		    strlen(m->text));
		ok(!!(m->flags & MESSAGE_FLAG_TRUNCATED) == text,
		    "big %s: truncated only if text", types[i]);
		elapsed = g_get_monotonic_time() - start;
		ok(elapsed < MAX_SECONDS * G_USEC_PER_SEC,
		    "big %s: parsed in %lld ms", types[i],
		    (long long)elapsed / 1000);
		message_free(m);
		g_bytes_unref(raw);
	}
}

/* The header fast path (mime_fields.h) must read every message exactly as
 * GMime's own header parser does: compare the two parses of each fixed
 * case and of every mail file the suite ships. */
static void
compare_parses(const char *name, GBytes *raw)
{
	struct message *fast = mime_parse(raw, ARRIVAL);
	struct message *reference = mime_parse_reference(raw, ARRIVAL);
	g_autofree char *a = message_dump(fast);
	g_autofree char *b = message_dump(reference);

	is_str(a, b, "fast path = GMime headers: %s", name);
	message_free(fast);
	message_free(reference);
}

static void
compare_file(const char *path, const char *name, GBytes *raw, void *data)
{
	(void)name;
	(void)data;
	compare_parses(path, raw);
}

static void
compare_dir(const char *dir)
{
	int files = mail_files_each(dir, compare_file, NULL);

	ok(files > 0, "%s: %d files compared", dir, files);
}

static void
test_fast_path(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].raw);
		GBytes *raw = g_bytes_new_static(cases[i].raw, len);

		compare_parses(cases[i].name, raw);
		g_bytes_unref(raw);
	}
	compare_dir("tests/data/corpus");
	compare_dir("tests/data/hostile");
	compare_dir("contrib/sample-week");
}

/* Fixed messages become the fuzzer's seed corpus, named by content as
 * libFuzzer names its own. */
static void
write_corpus(const char *dir)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].raw);
		g_autofree char *sum = g_compute_checksum_for_data(
		    G_CHECKSUM_SHA1, (const guchar *)cases[i].raw, len);
		g_autofree char *path = g_build_filename(dir, sum, NULL);

		if (!g_file_set_contents(path, cases[i].raw, (gssize)len, NULL))
			diag("cannot write %s", path);
	}
}

int
main(void)
{
	const char *corpus = g_getenv("LIAISONBOT_WRITE_CORPUS");

	mime_init();
	mime_init();
	if (corpus != NULL)
		write_corpus(corpus);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		check_case(&cases[i]);
	test_fields();
	test_reply();
	test_html_reply();
	test_many_headers();
	test_hash_stable();
	test_long_header();
	test_deep_nesting();
	test_big_attachment();
	test_fast_path();
	return done_testing();
}
