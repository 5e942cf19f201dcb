#include "runtime/conv_choice.h"

#include <cstdlib>
#include <cstring>

#include "octet/octet.h"

namespace octet::rt {

namespace {

Status parse(const char* name, const char* from, WinogradMode* out) {
  if (std::strcmp(name, "measure") == 0) *out = WinogradMode::kMeasure;
  else if (std::strcmp(name, "off") == 0) *out = WinogradMode::kOff;
  else if (std::strcmp(name, "on") == 0) *out = WinogradMode::kOn;
  else return Error(OCTET_INVALID_ARGUMENT) << from << " '" << name << "' is not a Winograd mode (measure, off, on)";
  return Status::Ok();
}

}  // namespace

Status resolve_winograd_mode(int requested, WinogradMode* out) {
  switch (requested) {
    case OCTET_WINOGRAD_DEFAULT: {
      const char* env = std::getenv("OCTET_WINOGRAD");
      if (env != nullptr && env[0] != '\0') return parse(env, "OCTET_WINOGRAD", out);
      *out = WinogradMode::kMeasure;
      return Status::Ok();
    }
    case OCTET_WINOGRAD_MEASURE: *out = WinogradMode::kMeasure; return Status::Ok();
    case OCTET_WINOGRAD_OFF: *out = WinogradMode::kOff; return Status::Ok();
    case OCTET_WINOGRAD_ON: *out = WinogradMode::kOn; return Status::Ok();
    default: break;
  }
  return Error(OCTET_INVALID_ARGUMENT) << "winograd option " << requested << " is not one of OCTET_WINOGRAD_DEFAULT, "
                                       << "_MEASURE, _OFF, _ON";
}

const char* winograd_mode_name(WinogradMode mode) {
  switch (mode) {
    case WinogradMode::kMeasure: return "measure";
    case WinogradMode::kOff: return "off";
    case WinogradMode::kOn: return "on";
  }
  return "";
}

}  // namespace octet::rt
