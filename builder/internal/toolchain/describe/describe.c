/* Lists the components of an otelbridge Rust library through its C ABI: first the ABI version
 * the library speaks, `abi<TAB>` and what otelbridge_v1_abi_version() returns, then one line per
 * component: type<TAB>kind<TAB>signals<TAB>stability<TAB>signals_out. Built and run by
 * otelbridge-builder. */
#include <stdio.h>
#include "otelbridge.h"

static void complete(size_t waiter, OtbResult *result) { (void)waiter; (void)result; }

int main(void) {
  printf("abi\t%u\n", otelbridge_v1_abi_version());
  OtbHostCallbacks callbacks = {.complete = complete, .default_log_level = OTB_LOG_OFF};
  OtbLibraryInfo info;
  OtbStatus status = {0};
  if (otelbridge_v1_handshake(OTELBRIDGE_ABI_MAJOR, OTELBRIDGE_ABI_MINOR, &callbacks, &info, &status) != OTB_STATUS_OK) {
    fprintf(stderr, "%.*s\n", (int)status.message.len, (const char *)status.message.ptr);
    return 1;
  }
  const OtbComponentInfo *components = NULL;
  size_t count = 0;
  if (otelbridge_v1_registry(&components, &count, &status) != OTB_STATUS_OK) {
    fprintf(stderr, "%.*s\n", (int)status.message.len, (const char *)status.message.ptr);
    return 1;
  }
  for (size_t i = 0; i < count; i++) {
    printf("%.*s\t%u\t%u\t%u\t%u\n", (int)components[i].type_name.len, (const char *)components[i].type_name.ptr,
           components[i].kind, components[i].signals, components[i].stability, components[i].signals_out);
  }
  return 0;
}
