#include "async_connect.h"

#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>

#include "errno_error.h"

namespace herald {

namespace {

// One connect in flight: a poll handle that waits for the socket to become writable (the connect
// finished, well or badly) and a timer for the caller's timeout. Both live on the JavaScript
// thread's loop, so no thread of the pool is held while a SYN goes unanswered, which is exactly
// what a TCP-MD5 key mismatch looks like.
struct PendingConnect {
  napi_env env;
  napi_deferred deferred;
  napi_async_context asyncContext;
  napi_async_cleanup_hook_handle cleanupHook;
  uv_poll_t poll;
  uv_timer_t timer;
  int fd;
  int handlesOpen;
  bool settled;
  bool envAlive;
};

// The last close callback frees the state and only then lets go of the cleanup hook: when a worker
// thread ends, Node unloads the addon right after its cleanup hooks are done, and a close callback
// that ran later would jump into unmapped code.
void OnHandleClosed(uv_handle_t* handle) {
  auto* pending = static_cast<PendingConnect*>(handle->data);
  if (--pending->handlesOpen > 0) return;
  if (pending->envAlive) napi_async_destroy(pending->env, pending->asyncContext);
  if (pending->cleanupHook != nullptr) napi_remove_async_cleanup_hook(pending->cleanupHook);
  delete pending;
}

void CloseHandles(PendingConnect* pending) {
  // Stopping the poll takes the fd out of the loop's epoll set at once, before the fd is closed or
  // handed to net.Socket, which registers it again with a handle of its own.
  uv_poll_stop(&pending->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&pending->poll), OnHandleClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&pending->timer), OnHandleClosed);
}

// The environment is going away (a worker thread or the process ending): nothing may call into
// JavaScript any more, and Node waits for OnHandleClosed before it tears the loop down.
void OnEnvCleanup(napi_async_cleanup_hook_handle /*hook*/, void* data) {
  auto* pending = static_cast<PendingConnect*>(data);
  pending->envAlive = false;
  if (pending->settled) return;
  pending->settled = true;
  CloseHandles(pending);
  close(pending->fd);
}

void Settle(PendingConnect* pending, int err) {
  pending->settled = true;
  CloseHandles(pending);
  Napi::Env env(pending->env);
  Napi::HandleScope handleScope(env);
  try {
    // The callback scope runs the microtask queue when it closes, so the promise's reactions run
    // now rather than whenever something else next enters JavaScript.
    Napi::CallbackScope callbackScope(env, pending->asyncContext);
    if (err == 0) {
      napi_resolve_deferred(env, pending->deferred, Napi::Number::New(env, pending->fd));
    } else {
      close(pending->fd);
      napi_reject_deferred(env, pending->deferred, ErrnoError(env, err, "connect").Value());
    }
  } catch (const Napi::Error& error) {
    napi_fatal_exception(env, error.Value());
  }
}

void OnWritable(uv_poll_t* poll, int status, int /*events*/) {
  auto* pending = static_cast<PendingConnect*>(poll->data);
  // libuv reports an error condition on the fd (EPOLLERR) as status UV_EBADF; the socket's own
  // SO_ERROR says what really happened (ECONNREFUSED, EHOSTUNREACH, ...).
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(pending->fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
  if (err == 0 && status < 0) err = -status;
  Settle(pending, err);
}

void OnTimeout(uv_timer_t* timer) {
  Settle(static_cast<PendingConnect*>(timer->data), ETIMEDOUT);
}

// Starts the poll and the timer; returns 0, or a libuv error with nothing left running (the fd is
// still open then).
int StartWaiting(Napi::Env env, napi_deferred deferred, int fd, uint32_t timeoutMs) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return UV_EINVAL;
  auto* pending = new PendingConnect{};
  pending->env = env;
  pending->deferred = deferred;
  pending->fd = fd;
  pending->poll.data = pending;
  pending->timer.data = pending;
  uv_timer_init(loop, &pending->timer);
  pending->handlesOpen = 1;
  int status = uv_poll_init(loop, &pending->poll, fd);
  if (status == 0) {
    pending->handlesOpen = 2;
    status = uv_poll_start(&pending->poll, UV_WRITABLE, OnWritable);
  }
  if (status == 0) status = uv_timer_start(&pending->timer, OnTimeout, timeoutMs, 0);
  if (status == 0 &&
      napi_async_init(env, nullptr, Napi::String::New(env, "herald_native.connect"),
                      &pending->asyncContext) != napi_ok) {
    status = UV_EINVAL;
  }
  if (status != 0) {
    if (pending->handlesOpen == 2) {
      uv_poll_stop(&pending->poll);
      uv_close(reinterpret_cast<uv_handle_t*>(&pending->poll), OnHandleClosed);
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&pending->timer), OnHandleClosed);
    return status;
  }
  pending->envAlive = true;
  napi_add_async_cleanup_hook(env, OnEnvCleanup, pending, &pending->cleanupHook);
  return 0;
}

}  // namespace

Napi::Value ConnectAsync(Napi::Env env, int fd, const SocketAddress& peer, uint32_t timeoutMs) {
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) {
    close(fd);
    throw Napi::Error::New(env);
  }
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&peer.storage), peer.length) == 0) {
    napi_resolve_deferred(env, deferred, Napi::Number::New(env, fd));
    return Napi::Value(env, promise);
  }
  if (errno == EINPROGRESS) {
    const int status = StartWaiting(env, deferred, fd, timeoutMs);
    if (status == 0) return Napi::Value(env, promise);
    err = -status;
  } else {
    err = errno;
  }
  close(fd);
  napi_reject_deferred(env, deferred, ErrnoError(env, err, "connect").Value());
  return Napi::Value(env, promise);
}

}  // namespace herald
