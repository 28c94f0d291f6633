/* A C host of the otelbridge ABI: proves the generated header compiles as C (and C++) and that a
 * plain C program can drive a component through its whole lifecycle. Run by `make test-c`, linked
 * with the test library (rust/otelbridge-testlib: the probe processor). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static void complete(size_t waiter, OtbResult *result) {
  (void)waiter;
  otelbridge_v1_buf_free(result->status.message);
  otelbridge_v1_buf_free(result->data);
}

static void log_event(uint64_t sink, uint32_t level, const uint8_t *message, size_t message_len,
                      const uint8_t *fields, size_t fields_len) {
  (void)sink; (void)level; (void)message; (void)message_len; (void)fields; (void)fields_len;
}

int main(void) {
  CHECK(otelbridge_v1_abi_version() >> 16 == OTELBRIDGE_ABI_MAJOR, "abi major");

  OtbHostCallbacks callbacks = {.complete = complete, .log = log_event, .default_log_level = OTB_LOG_INFO};
  OtbLibraryInfo info;
  OtbStatus status;
  memset(&status, 0, sizeof status);
  CHECK(otelbridge_v1_handshake(OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, &callbacks, &info, &status) == OTB_STATUS_OK,
        "handshake");

  const OtbComponentInfo *components = NULL;
  size_t count = 0;
  CHECK(otelbridge_v1_registry(&components, &count, NULL) == OTB_STATUS_OK, "registry");
  uint32_t probe = UINT32_MAX;
  for (size_t i = 0; i < count; i++) {
    if (components[i].kind == 2 && components[i].type_name.len == 5 &&
        memcmp(components[i].type_name.ptr, "probe", 5) == 0) {
      probe = (uint32_t)i;
    }
  }
  CHECK(probe != UINT32_MAX, "the probe processor is registered");

  const char *bad = "{\"weight\":0}";
  CHECK(otelbridge_v1_config_validate(probe, (const uint8_t *)bad, strlen(bad), &status) == OTB_STATUS_INVALID_CONFIG,
        "invalid config rejected");
  CHECK(status.message.len > 0 && memmem(status.message.ptr, status.message.len, "weight", 6) != NULL,
        "the error names the field");
  otelbridge_v1_buf_free(status.message);

  OtbInstance *instance = NULL;
  const char *id = "probe/c";
  CHECK(otelbridge_v1_instance_create(probe, (const uint8_t *)id, strlen(id), NULL, 0, 1, OTB_LOG_INFO, &instance, NULL) ==
            OTB_STATUS_OK,
        "create");

  /* Runtime settings take effect at the first start; afterwards only the running ones pass. */
  const char *two = "{\"worker_threads\":2,\"thread_stack_size\":\"1MiB\"}";
  const char *three = "{\"worker_threads\":3,\"thread_stack_size\":\"1MiB\"}";
  CHECK(otelbridge_v1_runtime_configure_json((const uint8_t *)two, strlen(two), false, NULL) == OTB_STATUS_OK,
        "runtime configured before the start");

  OtbResult result;
  OtbPending *pending = NULL;
  CHECK(otelbridge_v1_instance_start(instance, 0, NULL, 0, &result, &pending) == OTB_POLL_READY, "start is ready");
  CHECK(result.status.code == OTB_STATUS_OK, "start ok");

  CHECK(otelbridge_v1_runtime_configure_json((const uint8_t *)two, strlen(two), true, NULL) == OTB_STATUS_OK,
        "the running settings validate");
  CHECK(otelbridge_v1_runtime_configure_json((const uint8_t *)three, strlen(three), true, &status) ==
            OTB_STATUS_INVALID_CONFIG,
        "other settings are refused once running");
  CHECK(status.message.len > 0 && memmem(status.message.ptr, status.message.len, "worker_threads", 14) != NULL,
        "the error names the field");
  otelbridge_v1_buf_free(status.message);

  /* An empty ExportTraceServiceRequest with one ResourceSpans: field 1, length 0. */
  const uint8_t batch[] = {0x0a, 0x00};
  uint8_t ctx[64];
  size_t ctx_len = action_context(ctx, "rewrite");
  CHECK(otelbridge_v1_instance_consume(instance, 1, 0, ctx, ctx_len, batch, sizeof batch, &result, &pending) ==
            OTB_POLL_READY,
        "consume is ready");
  CHECK(result.status.code == OTB_STATUS_OK && result.outcome == OTB_OUTCOME_REPLACED && result.data.len > sizeof batch,
        "the batch came back rewritten (code %u outcome %u len %zu)", result.status.code, result.outcome,
        result.data.len);
  otelbridge_v1_buf_free(result.data);

  ctx_len = action_context(ctx, "panic");
  otelbridge_v1_instance_consume(instance, 1, 0, ctx, ctx_len, batch, sizeof batch, &result, &pending);
  CHECK(result.status.code == OTB_STATUS_PANICKED && result.status.permanent, "a panic is a status");
  otelbridge_v1_buf_free(result.status.message);

  CHECK(otelbridge_v1_instance_shutdown(instance, 0, NULL, 0, &result, &pending) == OTB_POLL_READY, "shutdown");
  otelbridge_v1_instance_free(instance);

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("ok: C host drove handshake, registry, validation, runtime settings, create, start, consume, panic, shutdown\n");
  return 0;
}
