# One addon, herald_native, with one source file per capability: tcp_md5.cc (issue 4),
# packet_socket.cc (AF_PACKET for layer-2 mode, issue 5). Built by `npm ci` through
# speaker/package.json's install script.
# Linux only: TCP_MD5SIG and AF_PACKET are Linux interfaces, and Herald's speaker runs on Linux nodes.
{
  'targets': [
    {
      'target_name': 'herald_native',
      'sources': [
        'src/addon.cc',
        'src/args.cc',
        'src/async_connect.cc',
        'src/errno_error.cc',
        'src/inet_address.cc',
        'src/packet_filter.cc',
        'src/packet_socket.cc',
        'src/tcp_md5.cc',
      ],
      'dependencies': [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      # Node-API 8 (Node >= 12.22): napi_add_async_cleanup_hook, which a connect in flight or an
      # open packet socket needs when a worker thread ends, and napi_type_tag_object.
      'defines': ['NAPI_VERSION=8'],
      'cflags_cc': ['-std=c++17', '-Wall', '-Wextra', '-Werror'],
    },
  ],
}
