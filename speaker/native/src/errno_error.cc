#include "errno_error.h"

#include <uv.h>

namespace herald {

Napi::Error ErrnoError(Napi::Env env, int err, const std::string& syscall) {
  // libuv spells errors as negative errno values on Unix; its names and descriptions are the ones
  // Node puts in its own errors.
  char description[128];
  uv_strerror_r(-err, description, sizeof description);
  const std::string code = uv_err_name(-err);
  Napi::Error error = Napi::Error::New(env, syscall + " " + code + " (" + description + ")");
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

Napi::Value RejectedPromise(Napi::Env env, int err, const std::string& syscall) {
  const Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(ErrnoError(env, err, syscall).Value());
  return deferred.Promise();
}

}  // namespace herald
