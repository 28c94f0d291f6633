/* A C host of the otelbridge ABI that gives no callbacks (ABI 1.6): it takes what the library would
 * have called back from the event queue, as the Go shim does in a build without cgo. Run by
 * `make test-c`, linked with the test library (the probe processor). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

/* What the host saw, in order. */
static int saw_completion = 0, saw_log = 0, log_before_mark = 0, saw_mark = 0;
static OtbResult completed;

/* Takes events until the mark `mark` and the completion have come (or 5 s of nothing): the
 * completion may come before or after the mark, which follows only what was queued before it. */
static void drain_until_mark(uint64_t mark) {
  OtbEvent events[8];
  for (int idle = 0; idle < 50;) {
    size_t n = 0;
    CHECK(otelbridge_v1_events_next(100 * 1000 * 1000, events, 8, &n) == OTB_EVENTS_OK, "events_next");
    idle = n == 0 ? idle + 1 : 0;
    for (size_t i = 0; i < n; i++) {
      OtbEvent *e = &events[i];
      switch (e->kind) {
      case OTB_EVENT_COMPLETE:
        CHECK(e->handle == 42, "the completion names the waiter (%llu)", (unsigned long long)e->handle);
        completed = e->result; /* its buffers are the host's now */
        saw_completion = 1;
        break;
      case OTB_EVENT_LOG:
        if (e->text.len == 17 && memcmp(e->text.ptr, "probe saw a batch", 17) == 0) {
          saw_log = 1;
          log_before_mark = !saw_mark;
        }
        break;
      case OTB_EVENT_MARK:
        if (e->handle == mark) {
          saw_mark = 1;
        }
        break;
      default:
        break;
      }
    }
    otelbridge_v1_events_free(events, n);
    if (saw_mark && saw_completion) {
      return;
    }
  }
}

int main(void) {
  OtbLibraryInfo info;
  OtbStatus status;
  memset(&status, 0, sizeof status);
  CHECK(otelbridge_v1_handshake_events(OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, OTB_LOG_INFO, &info, &status) ==
            OTB_STATUS_OK,
        "handshake without callbacks");

  const OtbComponentInfo *components = NULL;
  size_t count = 0;
  CHECK(otelbridge_v1_registry(&components, &count, NULL) == OTB_STATUS_OK, "registry");
  uint32_t probe = UINT32_MAX;
  for (size_t i = 0; i < count; i++) {
    if (components[i].kind == OTB_KIND_PROCESSOR && components[i].type_name.len == 5 &&
        memcmp(components[i].type_name.ptr, "probe", 5) == 0) {
      probe = (uint32_t)i;
    }
  }
  CHECK(probe != UINT32_MAX, "the probe processor is registered");

  OtbInstance *instance = NULL;
  const char *id = "probe/events";
  CHECK(otelbridge_v1_instance_create(probe, (const uint8_t *)id, strlen(id), NULL, 0, 1, OTB_LOG_INFO, &instance,
                                      NULL) == OTB_STATUS_OK,
        "create");
  OtbResult result;
  OtbPending *pending = NULL;
  CHECK(otelbridge_v1_instance_start(instance, 0, NULL, 0, &result, &pending) == OTB_POLL_READY, "start is ready");

  /* A call that waits in the runtime: its completion comes as an event for waiter 42. */
  const uint8_t batch[] = {0x0a, 0x00};
  uint8_t ctx[64];
  size_t ctx_len = action_context(ctx, "yield");
  CHECK(otelbridge_v1_instance_consume(instance, OTB_SIGNAL_TRACES, 0, ctx, ctx_len, batch, sizeof batch, &result,
                                       &pending) == OTB_POLL_PENDING,
        "a yielding call is pending");
  OtbPending *yielded = pending;
  OtbResult early;
  if (otelbridge_v1_pending_attach(yielded, 42, &early) == OTB_POLL_READY) {
    completed = early;
    saw_completion = 1;
  }

  /* A call that logs: the log event comes before a mark queued after the call. */
  ctx_len = action_context(ctx, "log");
  CHECK(otelbridge_v1_instance_consume(instance, OTB_SIGNAL_TRACES, 0, ctx, ctx_len, batch, sizeof batch, &result,
                                       &pending) == OTB_POLL_READY,
        "a logging call is ready");
  otelbridge_v1_events_mark(7);
  drain_until_mark(7);
  CHECK(saw_completion, "the pending call completed through the queue");
  CHECK(completed.status.code == OTB_STATUS_OK && completed.outcome == OTB_OUTCOME_REPLACED, "it was rewritten");
  otelbridge_v1_buf_release(&completed.data);
  CHECK(completed.data.ptr == NULL, "buf_release zeroes the buffer");
  otelbridge_v1_buf_release(&completed.data); /* a second release does nothing */
  otelbridge_v1_pending_free(yielded);
  CHECK(saw_log && log_before_mark, "the call's log event came before the mark");

  CHECK(otelbridge_v1_instance_shutdown(instance, 0, NULL, 0, &result, &pending) == OTB_POLL_READY, "shutdown");
  otelbridge_v1_instance_free(instance);

  /* Closed: what is left comes out, then the queue says closed. */
  otelbridge_v1_events_close();
  OtbEvent events[8];
  size_t n = 0;
  uint32_t code;
  while ((code = otelbridge_v1_events_next(-1, events, 8, &n)) == OTB_EVENTS_OK) {
    otelbridge_v1_events_free(events, n);
  }
  CHECK(code == OTB_EVENTS_CLOSED && n == 0, "a closed, empty queue says closed");

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("ok: C host without callbacks took a completion, a log event and a mark from the event queue, then closed it\n");
  return 0;
}
