// connect() on a non-blocking socket, finished on the JavaScript thread's event loop: a promise of
// the connected fd, or a rejection with the errno, without blocking the loop or using the pool.
#ifndef HERALD_NATIVE_ASYNC_CONNECT_H_
#define HERALD_NATIVE_ASYNC_CONNECT_H_

#include <napi.h>

#include <cstdint>

#include "inet_address.h"

namespace herald {

// Takes over `fd` (non-blocking, already configured and bound as the caller wants) and connects it
// to `peer`. The promise resolves with the fd once connected; on failure or after `timeoutMs` the
// fd is closed and the promise rejects with an ErrnoError (ETIMEDOUT for the timeout).
Napi::Value ConnectAsync(Napi::Env env, int fd, const SocketAddress& peer, uint32_t timeoutMs);

}  // namespace herald

#endif  // HERALD_NATIVE_ASYNC_CONNECT_H_
