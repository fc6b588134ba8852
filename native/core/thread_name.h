// Names the calling thread (15 characters at most, shown by ps, top and gdb).
// Every thread of a sweep is named "pp-…", so tools and tests can tell them apart.
#pragma once

#include <pthread.h>

namespace portpick {

inline void name_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace portpick
