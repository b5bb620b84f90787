// Entry point of herald_native: each capability adds its functions under its own name, so that
// JavaScript reads addon.tcpMd5.connect(...) and addon.packet.open(...).
#include <napi.h>

#include "packet_socket.h"
#include "tcp_md5.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("tcpMd5", herald::TcpMd5Exports(env));
  exports.Set("packet", herald::PacketExports(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(herald_native, Init)
