// TCP-MD5 signatures (RFC 2385) through Linux's TCP_MD5SIG socket option: a connect that sets the
// key before the SYN leaves, and setting or removing a peer's key on a listening socket.
#ifndef HERALD_NATIVE_TCP_MD5_H_
#define HERALD_NATIVE_TCP_MD5_H_

#include <napi.h>

namespace herald {

// { connect(family, host, port, localAddress?, key?, timeoutMs): Promise<fd>,
//   setKey(fd, family, peerAddress, key?): void }
Napi::Object TcpMd5Exports(Napi::Env env);

}  // namespace herald

#endif  // HERALD_NATIVE_TCP_MD5_H_
