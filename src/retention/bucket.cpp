#include "retention/bucket.hpp"

namespace retention {

const char* to_string(Versioning versioning) {
    switch (versioning) {
        case Versioning::kDisabled:
            return "Disabled";
        case Versioning::kEnabled:
            return "Enabled";
        case Versioning::kSuspended:
            return "Suspended";
        case Versioning::kUnknown:
            return "Unknown";
    }
    return "Unknown";
}

}  // namespace retention
