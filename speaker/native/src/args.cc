#include "args.h"

namespace herald {

std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsString()) throw Napi::TypeError::New(info.Env(), std::string(name) + ": must be a string");
  return value.As<Napi::String>().Utf8Value();
}

}  // namespace herald
