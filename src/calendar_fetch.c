/* calendar_fetch.c: download a calendar feed with libcurl. */
#include <curl/curl.h>

#include "calendar.h"
#include "calendar_fetch.h"
#include "error.h"

#define CALENDAR_CONNECT_TIMEOUT 30L	/* seconds */
#define CALENDAR_TRANSFER_TIMEOUT 120L	/* seconds */
#define CALENDAR_MAX_REDIRECTS 5L

/* A URL as shown in messages: scheme and host only, since calendar URLs
 * often carry access tokens in the path or query. */
char *
calendar_url_name(const char *url)
{
	CURLU *handle = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	char *name;

	if (curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    g_ascii_strcasecmp(scheme, "file") == 0)
		name = g_strdup(url);
	else if (scheme != NULL && curl_url_get(handle, CURLUPART_HOST, &host,
	    0) == CURLUE_OK) {
		curl_url_get(handle, CURLUPART_PORT, &port, 0);
		name = g_strdup_printf("%s://%s%s%s/...", scheme, host,
		    port != NULL ? ":" : "", port != NULL ? port : "");
	} else
		name = g_strdup("(calendar URL)");
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(handle);
	return name;
}

struct calendar_download {
	GByteArray *data;
	bool too_big;
};

static size_t
calendar_download_write(char *ptr, size_t size, size_t count, void *user)
{
	struct calendar_download *download = user;
	size_t bytes = size * count;

	if (download->data->len + bytes > CALENDAR_MAX_BYTES) {
		download->too_big = true;
		return 0;	/* makes libcurl fail the transfer */
	}
	g_byte_array_append(download->data, (const guint8 *)ptr,
	    (guint)bytes);
	return bytes;
}

/* Fetch url into *body. Any failure is LB_ERROR_TEMPORARY: the next
 * refresh may well succeed. */
bool
calendar_fetch(const char *url, const char *name, GBytes **body,
    GError **error)
{
	struct calendar_download download = { g_byte_array_new(), false };
	char message[CURL_ERROR_SIZE] = "";
	CURL *curl;
	CURLcode code;

	curl = curl_easy_init();
	if (curl == NULL) {
		g_byte_array_unref(download.data);
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "%s: cannot start libcurl", name);
		return false;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, CALENDAR_MAX_REDIRECTS);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
	    CALENDAR_CONNECT_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, CALENDAR_TRANSFER_TIMEOUT);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_USERAGENT,
	    "liaisonbot/" LIAISONBOT_VERSION);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)CALENDAR_MAX_BYTES);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, calendar_download_write);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &download);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
	code = curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	if (code != CURLE_OK) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "%s: fetch failed: %s", name, download.too_big ?
		    "larger than 32 MiB" : message[0] != '\0' ? message :
		    curl_easy_strerror(code));
		g_byte_array_unref(download.data);
		return false;
	}
	*body = g_byte_array_free_to_bytes(download.data);
	return true;
}
