#include "inet_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace herald {

namespace {

// Reads `text` as an address of `family` into IPv6 form, IPv4 as ::ffff:a.b.c.d.
bool ParseAsIpv6(const std::string& text, int family, in6_addr* out) {
  if (family == 6) return inet_pton(AF_INET6, text.c_str(), out) == 1;
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) != 1) return false;
  std::memset(out, 0, sizeof *out);
  out->s6_addr[10] = 0xff;
  out->s6_addr[11] = 0xff;
  std::memcpy(&out->s6_addr[12], &v4, sizeof v4);
  return true;
}

}  // namespace

bool ParseSocketAddress(const std::string& text, int family, int domain, uint16_t port,
                        SocketAddress* out, std::string* problem) {
  if (family != 4 && family != 6) {
    *problem = "family must be 4 or 6";
    return false;
  }
  in6_addr address;
  if (!ParseAsIpv6(text, family, &address)) {
    *problem = "\"" + text + "\" is not an IPv" + std::to_string(family) + " address";
    return false;
  }
  std::memset(out, 0, sizeof *out);
  if (domain == AF_INET6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    sin6->sin6_addr = address;
    out->length = sizeof *sin6;
    return true;
  }
  if (!IN6_IS_ADDR_V4MAPPED(&address)) {
    *problem = "\"" + text + "\" is an IPv6 address and the socket is IPv4";
    return false;
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&out->storage);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  std::memcpy(&sin->sin_addr, &address.s6_addr[12], sizeof sin->sin_addr);
  out->length = sizeof *sin;
  return true;
}

}  // namespace herald
