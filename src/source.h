/* source.h: where messages come from. One instance per source_*.c file.
 * A source yields raw messages one at a time; ingest.c parses, classifies
 * and stores them, then tells the source they are safe. */
#ifndef LIAISONBOT_SOURCE_H
#define LIAISONBOT_SOURCE_H

#include <stdbool.h>

#include <glib.h>

/* One message as received. */
struct raw_message {
	GBytes *bytes;		/* the message; LF or CRLF, as received */
	gint64 arrival;		/* seconds since the epoch; 0: unknown */
	char *where;		/* "path", "path:line", "INBOX uid 42" */
};

/* Standard input is read whole before parsing; past this it is refused
 * (LB_ERROR_INPUT) rather than read until memory runs out. Mail systems
 * cap messages far below it (Postfix: 10 MB by default). Files, mboxes
 * and Maildirs are bounded by their size on disk. */
#define SOURCE_STDIN_MAX (256u * 1024 * 1024)

enum source_next {
	SOURCE_MESSAGE,		/* *message set */
	SOURCE_DONE,		/* no more messages */
	SOURCE_ERROR,		/* error set; the source cannot go on */
};

struct source;

struct source_ops {
	const char *name;	/* "mbox", "maildir", "file", "stdin" */
	/* arg: a path (or NULL for stdin). */
	bool (*open)(struct source *, const char *arg, GError **);
	/* The message is the caller's until it calls raw_message_free. */
	enum source_next (*next)(struct source *, struct raw_message **,
	    GError **);
	/* Bytes read so far and in all (for progress); total 0: unknown. */
	void (*progress)(struct source *, guint64 *done, guint64 *total);
	void (*close)(struct source *);
};

struct source {
	const struct source_ops *ops;
	char *origin;		/* stored with each message: "mbox:/path" */
	void *state;		/* the implementation's */
};

extern const struct source_ops source_mbox_ops;
extern const struct source_ops source_maildir_ops;
extern const struct source_ops source_file_ops;
extern const struct source_ops source_stdin_ops;

/* Reads fd to its end or to SOURCE_STDIN_MAX bytes (then *complete is
 * false, error says so, and the returned buffer also holds the bytes read
 * past the limit, so a caller can pass everything on). NULL on a read
 * error. */
GByteArray *source_read_fd(int fd, bool *complete, GError **error);

/* ops->open with the origin set to "<ops->name>:<arg>". NULL on error. */
struct source *source_open(const struct source_ops *ops, const char *arg,
    GError **error);
void source_close(struct source *source);

/* Takes ownership of bytes and where. */
struct raw_message *raw_message_new(GBytes *bytes, gint64 arrival,
    char *where);
void raw_message_free(struct raw_message *message);

#endif
