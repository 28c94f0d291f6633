/* What the C hosts of the otelbridge ABI share: a check that counts failures, and the context
 * record that asks the test library's probe processor for an action. */
#ifndef OTELBRIDGE_TEST_HOST_H
#define OTELBRIDGE_TEST_HOST_H

#include <stdio.h>
#include <string.h>

#include "otelbridge.h"

static int failures = 0;

#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                       \
      fprintf(stderr, "\n");                              \
      failures++;                                         \
    }                                                     \
  } while (0)

/* Metadata record asking the probe to do `action` for one call. */
static size_t action_context(uint8_t *out, const char *action) {
  const char *key = "probe-action";
  uint32_t klen = (uint32_t)strlen(key), vlen = (uint32_t)strlen(action), count = 1;
  uint32_t len = 4 + klen + 4 + 4 + vlen;
  size_t n = 0;
  out[n++] = OTB_CONTEXT_METADATA;
  memcpy(out + n, &len, 4); n += 4;
  memcpy(out + n, &klen, 4); n += 4;
  memcpy(out + n, key, klen); n += klen;
  memcpy(out + n, &count, 4); n += 4;
  memcpy(out + n, &vlen, 4); n += 4;
  memcpy(out + n, action, vlen); n += vlen;
  return n;
}

#endif
