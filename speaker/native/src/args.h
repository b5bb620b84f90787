// Reading JavaScript arguments in the addon's functions. Arguments are checked again here although
// the TypeScript wrappers check them with friendlier messages: a wrong call must not reach the
// kernel with a truncated value or a garbage pointer.
#ifndef HERALD_NATIVE_ARGS_H_
#define HERALD_NATIVE_ARGS_H_

#include <napi.h>

#include <cstddef>
#include <string>

namespace herald {

// The argument at `index` as a string; otherwise a TypeError "<name>: must be a string".
std::string StringArg(const Napi::CallbackInfo& info, size_t index, const char* name);

}  // namespace herald

#endif  // HERALD_NATIVE_ARGS_H_
