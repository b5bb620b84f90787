// JavaScript errors for failed system calls, shaped like Node's own (code, errno, syscall), so that
// callers handle them as they handle errors from node:net.
#ifndef HERALD_NATIVE_ERRNO_ERROR_H_
#define HERALD_NATIVE_ERRNO_ERROR_H_

#include <napi.h>

#include <string>

namespace herald {

// `err` is a positive errno value. The error has code "ECONNREFUSED" and the like, errno as a
// negative number (Node's convention), syscall, and a message "<syscall> <code> (<description>)".
Napi::Error ErrnoError(Napi::Env env, int err, const std::string& syscall);

// A promise already rejected with ErrnoError, for failures before anything asynchronous started.
Napi::Value RejectedPromise(Napi::Env env, int err, const std::string& syscall);

}  // namespace herald

#endif  // HERALD_NATIVE_ERRNO_ERROR_H_
