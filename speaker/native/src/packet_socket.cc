#include "packet_socket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errno_error.h"
#include "packet_filter.h"

namespace herald {

namespace {

// Frames are copied out of this buffer into a Buffer each. Ethernet frames are at most the MTU plus
// the header; 64 KiB covers any MTU Linux allows.
constexpr size_t kReceiveBufferSize = 65536;

// At most this many frames are read per readiness event before the loop gets its turn again; the
// poll is level-triggered, so the rest are read on the next iteration. Keeps a flood of ARP from
// starving timers.
constexpr int kFramesPerWakeup = 256;

constexpr size_t kMacLength = 6;

// Tags the handle objects open() returns, so that a method called on another object is refused
// rather than read as a socket.
constexpr napi_type_tag kSocketTag = {0x6865726c64706b74ULL, 0x5f736f636b657431ULL};

// One open packet socket. Three things end independently, and the struct is freed once all that
// apply have: the JavaScript handle object is finalized (jsAlive), the poll handle's close callback
// has run (pollClosed), and, while open, the environment's cleanup hook guards against a worker
// ending with the socket open.
struct PacketSocket {
  napi_env env;
  int fd;
  int ifindex;
  uv_poll_t poll;
  // Strong references while open: the handle object (so it is not collected while frames may
  // still arrive) and the two callbacks.
  napi_ref self;
  napi_ref onFrame;
  napi_ref onError;
  napi_async_context asyncContext;
  napi_async_cleanup_hook_handle cleanupHook;
  bool open;
  bool jsAlive;
  bool pollClosed;
  bool envAlive;
  std::vector<uint8_t> buffer;
};

void FreeIfDone(PacketSocket* socket) {
  if (!socket->jsAlive && socket->pollClosed) delete socket;
}

// The close callback: from here on libuv holds nothing of the socket. When the environment is going
// away, Node-API calls are no longer allowed, and Node frees references itself; otherwise they are
// released here. Letting go of the cleanup hook comes last, because Node unloads the addon as soon
// as the last hook is gone.
void OnPollClosed(uv_handle_t* handle) {
  auto* socket = static_cast<PacketSocket*>(handle->data);
  socket->pollClosed = true;
  if (socket->envAlive) {
    napi_async_destroy(socket->env, socket->asyncContext);
    napi_delete_reference(socket->env, socket->onFrame);
    napi_delete_reference(socket->env, socket->onError);
    napi_delete_reference(socket->env, socket->self);
  }
  napi_remove_async_cleanup_hook(socket->cleanupHook);
  FreeIfDone(socket);
}

// Stops delivery at once: the fd leaves the loop's epoll set and is closed before this returns, so
// no frame is read after close(), even one already queued.
void CloseSocket(PacketSocket* socket) {
  socket->open = false;
  uv_poll_stop(&socket->poll);
  close(socket->fd);
  socket->fd = -1;
  uv_close(reinterpret_cast<uv_handle_t*>(&socket->poll), OnPollClosed);
}

void OnEnvCleanup(napi_async_cleanup_hook_handle /*hook*/, void* data) {
  auto* socket = static_cast<PacketSocket*>(data);
  socket->envAlive = false;
  if (socket->open) CloseSocket(socket);
}

void OnHandleFinalized(napi_env /*env*/, void* data, void* /*hint*/) {
  auto* socket = static_cast<PacketSocket*>(data);
  socket->jsAlive = false;
  FreeIfDone(socket);
}

// Calls one of the socket's callbacks inside a callback scope, so that promise reactions and
// process.nextTick callbacks it queues run before the loop goes on. A callback that throws is an
// uncaught exception, as from any event emitter; returns false then.
bool Call(PacketSocket* socket, napi_ref callback, size_t argc, const napi_value* argv) {
  napi_env env = socket->env;
  napi_value function;
  napi_value receiver;
  napi_value result;
  napi_get_reference_value(env, callback, &function);
  // napi_make_callback needs an object as `this`; the socket's handle is the natural one.
  napi_get_reference_value(env, socket->self, &receiver);
  if (napi_make_callback(env, socket->asyncContext, receiver, function, argc, argv, &result) == napi_ok) {
    return true;
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  return false;
}

// Building a JavaScript value can throw (out of memory); a C++ exception must not unwind into
// libuv, so it becomes an uncaught JavaScript exception as in async_connect.cc.
template <typename Body>
void Guarded(PacketSocket* socket, Body body) {
  try {
    body();
  } catch (const Napi::Error& error) {
    napi_fatal_exception(socket->env, error.Value());
  }
}

void ReportError(PacketSocket* socket, int err, const char* syscall) {
  Guarded(socket, [&] {
    Napi::Env env(socket->env);
    Napi::HandleScope scope(env);
    const napi_value argv[] = {ErrnoError(env, err, syscall).Value()};
    Call(socket, socket->onError, 1, argv);
  });
}

// Reads what is queued, frame by frame, and hands each to onFrame with the ifindex it came in on
// and its packet type. Stops early when a callback closed the socket or threw.
void OnReadable(uv_poll_t* poll, int status, int /*events*/);

// libuv stops a poll handle when the fd reports an error condition (EPOLLERR), and passes
// UV_EBADF. For a packet socket that condition is the socket's pending error, ENETDOWN when the
// interface goes down or away; reading SO_ERROR clears it. The socket is reported to onError and
// polled again: after the interface comes back up, the kernel delivers frames to it as before.
void OnPollError(PacketSocket* socket, int status) {
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(socket->fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
  ReportError(socket, err != 0 ? err : -status, "poll");
  if (!socket->open) return;
  const int restarted = uv_poll_start(&socket->poll, UV_READABLE, OnReadable);
  if (restarted != 0) ReportError(socket, -restarted, "uv_poll_start");
}

void OnReadable(uv_poll_t* poll, int status, int /*events*/) {
  auto* socket = static_cast<PacketSocket*>(poll->data);
  if (status < 0) {
    OnPollError(socket, status);
    return;
  }
  Napi::Env env(socket->env);
  for (int i = 0; i < kFramesPerWakeup && socket->open; ++i) {
    sockaddr_ll from;
    socklen_t fromLength = sizeof from;
    const ssize_t n = recvfrom(socket->fd, socket->buffer.data(), socket->buffer.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &fromLength);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) ReportError(socket, errno, "recvfrom");
      return;
    }
    // The filter already keeps the socket's own frames out; this holds if it ever changes.
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    bool delivered = false;
    Guarded(socket, [&] {
      Napi::HandleScope scope(env);
      const napi_value argv[] = {
          Napi::Buffer<uint8_t>::Copy(env, socket->buffer.data(), static_cast<size_t>(n)),
          Napi::Number::New(env, from.sll_ifindex),
          Napi::Number::New(env, from.sll_pkttype),
      };
      delivered = Call(socket, socket->onFrame, 3, argv);
    });
    if (!delivered) return;
  }
}

// The socket behind the object a method was called on, open or closed.
PacketSocket* SocketOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool tagged = false;
  void* data = nullptr;
  if (info.This().IsObject()) napi_check_object_type_tag(env, info.This(), &kSocketTag, &tagged);
  if (!tagged || napi_unwrap(env, info.This(), &data) != napi_ok) {
    throw Napi::TypeError::New(env, "not a packet socket: call the method on the object open() returned");
  }
  return static_cast<PacketSocket*>(data);
}

PacketSocket* OpenSocketOf(const Napi::CallbackInfo& info) {
  PacketSocket* socket = SocketOf(info);
  if (!socket->open) {
    Napi::Error error = Napi::Error::New(info.Env(), "the packet socket is closed");
    error.Set("code", Napi::String::New(info.Env(), "ERR_SOCKET_CLOSED"));
    throw error;
  }
  return socket;
}

Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(name) + ": must be a Buffer");
  return info[index].As<Napi::Buffer<uint8_t>>();
}

Napi::Function FunctionArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsFunction()) throw Napi::TypeError::New(info.Env(), std::string(name) + ": must be a function");
  return info[index].As<Napi::Function>();
}

// send(frame): the frame goes out as given, Ethernet header included, on the socket's interface.
// Throws an ErrnoError when the kernel refuses it (EMSGSIZE above the MTU, ENETDOWN, ENOBUFS or
// EAGAIN when the queue is full).
Napi::Value Send(const Napi::CallbackInfo& info) {
  PacketSocket* socket = OpenSocketOf(info);
  const Napi::Buffer<uint8_t> frame = BufferArg(info, 0, "frame");
  if (frame.Length() < ETH_HLEN) {
    throw Napi::TypeError::New(info.Env(), "frame: must hold at least the 14-byte Ethernet header, got " +
                                               std::to_string(frame.Length()) + " bytes");
  }
  sockaddr_ll to;
  std::memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = socket->ifindex;
  // The ethertype as it stands in the frame, already in network order.
  std::memcpy(&to.sll_protocol, frame.Data() + 12, sizeof to.sll_protocol);
  to.sll_halen = kMacLength;
  std::memcpy(to.sll_addr, frame.Data(), kMacLength);
  if (sendto(socket->fd, frame.Data(), frame.Length(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to),
             sizeof to) < 0) {
    throw ErrnoError(info.Env(), errno, "sendto");
  }
  return info.Env().Undefined();
}

// Joins or leaves a link-layer multicast group on the socket's interface. The kernel counts
// memberships per socket: each add needs its own drop, and closing the socket drops them all.
Napi::Value ChangeMembership(const Napi::CallbackInfo& info, int option, const char* syscall) {
  PacketSocket* socket = OpenSocketOf(info);
  const Napi::Buffer<uint8_t> mac = BufferArg(info, 0, "mac");
  if (mac.Length() != kMacLength) {
    throw Napi::TypeError::New(info.Env(), "mac: must be 6 bytes, got " + std::to_string(mac.Length()));
  }
  packet_mreq request;
  std::memset(&request, 0, sizeof request);
  request.mr_ifindex = socket->ifindex;
  request.mr_type = PACKET_MR_MULTICAST;
  request.mr_alen = kMacLength;
  std::memcpy(request.mr_address, mac.Data(), kMacLength);
  if (setsockopt(socket->fd, SOL_PACKET, option, &request, sizeof request) != 0) {
    throw ErrnoError(info.Env(), errno, syscall);
  }
  return info.Env().Undefined();
}

Napi::Value AddMembership(const Napi::CallbackInfo& info) {
  return ChangeMembership(info, PACKET_ADD_MEMBERSHIP, "setsockopt PACKET_ADD_MEMBERSHIP");
}

Napi::Value DropMembership(const Napi::CallbackInfo& info) {
  return ChangeMembership(info, PACKET_DROP_MEMBERSHIP, "setsockopt PACKET_DROP_MEMBERSHIP");
}

// close(): stops delivery and closes the fd; closing again does nothing.
Napi::Value Close(const Napi::CallbackInfo& info) {
  PacketSocket* socket = SocketOf(info);
  if (socket->open) CloseSocket(socket);
  return info.Env().Undefined();
}

// Creates the socket so that no frame the filter would refuse is ever read: with protocol 0 the
// kernel queues nothing until bind() names one; the filter goes on first, then whatever might
// have been queued regardless is drained, and only then is the socket bound to the interface.
// Returns the fd, or -1 with errno set and `syscall` naming the call that failed.
int OpenBoundSocket(int ifindex, const char** syscall) {
  const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *syscall = "socket";
    return -1;
  }
  const sock_fprog filter = NeighborFilter();
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) != 0) {
    *syscall = "setsockopt SO_ATTACH_FILTER";
  } else {
    uint8_t discard;
    while (recv(fd, &discard, sizeof discard, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
    }
    sockaddr_ll address;
    std::memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex;
    if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return fd;
    *syscall = "bind";
  }
  const int err = errno;
  close(fd);
  errno = err;
  return -1;
}

Napi::Object NewHandle(Napi::Env env, unsigned ifindex) {
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("ifindex", Napi::Number::New(env, ifindex));
  handle.Set("send", Napi::Function::New(env, Send, "send"));
  handle.Set("addMembership", Napi::Function::New(env, AddMembership, "addMembership"));
  handle.Set("dropMembership", Napi::Function::New(env, DropMembership, "dropMembership"));
  handle.Set("close", Napi::Function::New(env, Close, "close"));
  NAPI_THROW_IF_FAILED(env, napi_type_tag_object(env, handle, &kSocketTag), Napi::Object());
  return handle;
}

// open(interfaceName, onFrame, onError): the handle of a socket receiving ARP and Neighbor
// Discovery frames on that interface. Throws an ErrnoError when the interface does not exist
// (ENODEV from if_nametoindex) or the socket cannot be made (EPERM without CAP_NET_RAW).
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = StringArg(info, 0, "interfaceName");
  const Napi::Function onFrame = FunctionArg(info, 1, "onFrame");
  const Napi::Function onError = FunctionArg(info, 2, "onError");
  if (name.empty() || name.size() >= IF_NAMESIZE || name.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(env, "interfaceName: must be 1 to " + std::to_string(IF_NAMESIZE - 1) + " bytes");
  }
  const unsigned ifindex = if_nametoindex(name.c_str());
  if (ifindex == 0) throw ErrnoError(env, errno, "if_nametoindex");
  uv_loop_t* loop = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_get_uv_event_loop(env, &loop), Napi::Value());
  // Everything that may throw without a socket to undo comes first.
  const Napi::Object handle = NewHandle(env, ifindex);
  const char* syscall = "";
  const int fd = OpenBoundSocket(static_cast<int>(ifindex), &syscall);
  if (fd < 0) throw ErrnoError(env, errno, syscall);

  auto* socket = new PacketSocket{};
  socket->env = env;
  socket->fd = fd;
  socket->ifindex = static_cast<int>(ifindex);
  socket->poll.data = socket;
  socket->buffer.resize(kReceiveBufferSize);
  const int initialized = uv_poll_init(loop, &socket->poll, fd);
  if (initialized != 0) {
    close(fd);
    delete socket;
    throw ErrnoError(env, -initialized, "uv_poll_init");
  }
  socket->open = true;
  socket->envAlive = true;
  napi_create_reference(env, handle, 1, &socket->self);
  napi_create_reference(env, onFrame, 1, &socket->onFrame);
  napi_create_reference(env, onError, 1, &socket->onError);
  napi_async_init(env, nullptr, Napi::String::New(env, "herald_native.packet"), &socket->asyncContext);
  napi_add_async_cleanup_hook(env, OnEnvCleanup, socket, &socket->cleanupHook);
  // From here on the close callback frees the socket, and, once wrapped, only after the handle's
  // finalizer has run too.
  if (napi_wrap(env, handle, socket, OnHandleFinalized, nullptr, nullptr) != napi_ok) {
    CloseSocket(socket);
    throw Napi::Error::New(env, "packet socket: could not attach the socket to its handle");
  }
  socket->jsAlive = true;
  const int started = uv_poll_start(&socket->poll, UV_READABLE, OnReadable);
  if (started != 0) {
    CloseSocket(socket);
    throw ErrnoError(env, -started, "uv_poll_start");
  }
  return handle;
}

}  // namespace

Napi::Object PacketExports(Napi::Env env) {
  Napi::Object exports = Napi::Object::New(env);
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  return exports;
}

}  // namespace herald
