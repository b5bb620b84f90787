#include "tcp_md5.h"

#include <linux/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "args.h"
#include "async_connect.h"
#include "errno_error.h"
#include "inet_address.h"

namespace herald {

namespace {

int FamilyArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (value.IsNumber()) {
    const double family = value.As<Napi::Number>().DoubleValue();
    if (family == 4 || family == 6) return static_cast<int>(family);
  }
  throw Napi::TypeError::New(info.Env(), "family: must be 4 or 6");
}

uint32_t IntegerArg(const Napi::CallbackInfo& info, size_t index, const char* name, uint32_t min,
                    uint32_t max) {
  const Napi::Value value = info[index];
  if (value.IsNumber()) {
    const double number = value.As<Napi::Number>().DoubleValue();
    if (number >= min && number <= max && number == static_cast<double>(static_cast<uint32_t>(number))) {
      return static_cast<uint32_t>(number);
    }
  }
  throw Napi::TypeError::New(info.Env(), std::string(name) + ": must be a whole number from " +
                                             std::to_string(min) + " to " + std::to_string(max));
}

std::optional<std::string> OptionalStringArg(const Napi::CallbackInfo& info, size_t index,
                                             const char* name) {
  if (info[index].IsUndefined() || info[index].IsNull()) return std::nullopt;
  return StringArg(info, index, name);
}

// A key is a Buffer of 1 to TCP_MD5SIG_MAXKEYLEN bytes; undefined or null means no key.
std::optional<std::string> KeyArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (value.IsUndefined() || value.IsNull()) return std::nullopt;
  if (!value.IsBuffer()) throw Napi::TypeError::New(info.Env(), "key: must be a Buffer or undefined");
  const auto buffer = value.As<Napi::Buffer<uint8_t>>();
  if (buffer.Length() < 1 || buffer.Length() > TCP_MD5SIG_MAXKEYLEN) {
    throw Napi::TypeError::New(info.Env(), "key: must be 1 to " + std::to_string(TCP_MD5SIG_MAXKEYLEN) +
                                               " bytes, got " + std::to_string(buffer.Length()));
  }
  return std::string(reinterpret_cast<const char*>(buffer.Data()), buffer.Length());
}

SocketAddress AddressArg(const Napi::CallbackInfo& info, const std::string& text, const char* name,
                         int family, int domain, uint16_t port) {
  SocketAddress address;
  std::string problem;
  if (!ParseSocketAddress(text, family, domain, port, &address, &problem)) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + ": " + problem);
  }
  return address;
}

// Sets the key for `peer` on the socket, or removes the peer's key when `key` is empty. Returns 0
// or the errno value.
int SetSocketKey(int fd, const SocketAddress& peer, const std::optional<std::string>& key) {
  tcp_md5sig signature;
  std::memset(&signature, 0, sizeof signature);
  std::memcpy(&signature.tcpm_addr, &peer.storage, peer.length);
  if (key) {
    signature.tcpm_keylen = static_cast<uint16_t>(key->size());
    std::memcpy(signature.tcpm_key, key->data(), key->size());
  }
  return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &signature, sizeof signature) == 0 ? 0 : errno;
}

// connect(family, host, port, localAddress | undefined, key | undefined, timeoutMs): Promise<fd>
// Argument mistakes throw; everything the system says goes into the promise's rejection.
Napi::Value Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int family = FamilyArg(info, 0);
  const int domain = family == 4 ? AF_INET : AF_INET6;
  const std::string host = StringArg(info, 1, "host");
  const auto port = static_cast<uint16_t>(IntegerArg(info, 2, "port", 1, 65535));
  const std::optional<std::string> localText = OptionalStringArg(info, 3, "localAddress");
  const std::optional<std::string> key = KeyArg(info, 4);
  const uint32_t timeoutMs = IntegerArg(info, 5, "timeoutMs", 1, INT32_MAX);
  const SocketAddress peer = AddressArg(info, host, "host", family, domain, port);
  std::optional<SocketAddress> local;
  if (localText) local = AddressArg(info, *localText, "localAddress", family, domain, 0);

  const int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return RejectedPromise(env, errno, "socket");
  auto fail = [&](int err, const char* syscall) {
    close(fd);
    return RejectedPromise(env, err, syscall);
  };
  // The key must be in place before connect(): the kernel signs the SYN with it.
  if (key) {
    const int err = SetSocketKey(fd, peer, key);
    if (err != 0) return fail(err, "setsockopt TCP_MD5SIG");
  }
  if (local && bind(fd, reinterpret_cast<const sockaddr*>(&local->storage), local->length) != 0) {
    return fail(errno, "bind");
  }
  return ConnectAsync(env, fd, peer, timeoutMs);
}

// setKey(fd, family, peerAddress, key | undefined): sets or removes the key for one peer on a
// socket, typically a listening one; accepted connections inherit the listener's keys. The peer's
// family and the socket's may differ: an IPv6 socket that accepts IPv4 takes the IPv4-mapped form.
Napi::Value SetKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int fd = static_cast<int>(IntegerArg(info, 0, "fd", 0, INT_MAX));
  const int family = FamilyArg(info, 1);
  const std::string peerText = StringArg(info, 2, "peerAddress");
  const std::optional<std::string> key = KeyArg(info, 3);

  int domain = 0;
  socklen_t length = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) != 0) {
    throw ErrnoError(env, errno, "getsockopt SO_DOMAIN");
  }
  if (domain != AF_INET && domain != AF_INET6) {
    throw Napi::TypeError::New(env, "fd: " + std::to_string(fd) + " is not an IPv4 or IPv6 socket");
  }
  const SocketAddress peer = AddressArg(info, peerText, "peerAddress", family, domain, 0);
  const int err = SetSocketKey(fd, peer, key);
  // Removing a key that is not there leaves the socket as asked.
  if (err == ENOENT && !key) return env.Undefined();
  if (err != 0) throw ErrnoError(env, err, "setsockopt TCP_MD5SIG");
  return env.Undefined();
}

}  // namespace

Napi::Object TcpMd5Exports(Napi::Env env) {
  Napi::Object exports = Napi::Object::New(env);
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("setKey", Napi::Function::New(env, SetKey, "setKey"));
  exports.Set("maxKeyLength", Napi::Number::New(env, TCP_MD5SIG_MAXKEYLEN));
  return exports;
}

}  // namespace herald
