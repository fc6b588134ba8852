#include "packet.h"

#include <cstring>

namespace portpick {
namespace {

uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t load32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
size_t address_bytes(uint8_t family) { return family == 4 ? 4 : 16; }

// Offsets inside the TCP header.
constexpr size_t kTcpSourcePort = 0, kTcpDestinationPort = 2, kTcpSequence = 4, kTcpAckNumber = 8,
                 kTcpFlags = 13, kTcpChecksum = 16;

constexpr uint8_t kProtoTcp = 6, kProtoIcmp = 1;

}  // namespace

uint32_t checksum_accumulate(const uint8_t* data, size_t length, uint32_t sum) {
  size_t i = 0;
  for (; i + 1 < length; i += 2) sum += load16(data + i);
  if (i < length) sum += static_cast<uint32_t>(data[i]) << 8;
  return sum;
}

uint16_t checksum_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

uint16_t checksum_update16(uint16_t checksum, uint16_t old_word, uint16_t new_word) {
  // HC' = ~(~HC + ~m + m')  (RFC 1624, eqn. 3)
  uint32_t sum = static_cast<uint16_t>(~checksum);
  sum += static_cast<uint16_t>(~old_word);
  sum += new_word;
  return checksum_finish(sum);
}

uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
  checksum = checksum_update16(checksum, static_cast<uint16_t>(old_value >> 16), static_cast<uint16_t>(new_value >> 16));
  return checksum_update16(checksum, static_cast<uint16_t>(old_value), static_cast<uint16_t>(new_value));
}

uint16_t tcp_checksum(const Address& source, const Address& destination, const uint8_t* tcp, size_t tcp_length) {
  const size_t n = address_bytes(source.family);
  uint32_t sum = checksum_accumulate(source.bytes.data(), n, 0);
  sum = checksum_accumulate(destination.bytes.data(), n, sum);
  sum += kProtoTcp;
  sum += static_cast<uint32_t>(tcp_length);
  sum = checksum_accumulate(tcp, tcp_length, sum);
  return checksum_finish(sum);
}

SynTemplate::SynTemplate(uint8_t family) : family_(family) {
  uint8_t* ip = packet_;
  uint8_t* tcp = packet_ + ip_header_bytes();
  if (family_ == 4) {
    ip[0] = 0x45;                                    // version 4, IHL 5
    store16(ip + 2, kIpv4HeaderBytes + kTcpSynHeaderBytes);  // total length
    store16(ip + 6, 0x4000);                         // DF
    ip[8] = kSynTtl;
    ip[9] = kProtoTcp;
  } else {
    ip[0] = 0x60;  // version 6
    store16(ip + 4, kTcpSynHeaderBytes);  // payload length
    ip[6] = kProtoTcp;
    ip[7] = kSynTtl;
  }
  tcp[12] = (kTcpSynHeaderBytes / 4) << 4;  // data offset
  tcp[kTcpFlags] = kTcpSyn;
  store16(tcp + 14, kSynWindow);
  tcp[20] = 2;  // option: MSS
  tcp[21] = 4;
  store16(tcp + 22, kSynMss);
  // Full checksums once, over the all-zero addresses/ports; every set() is incremental after this.
  Address zero;
  zero.family = family_;
  store16(tcp + kTcpChecksum, tcp_checksum(zero, zero, tcp, kTcpSynHeaderBytes));
  if (family_ == 4) store16(ip + 10, checksum_finish(checksum_accumulate(ip, kIpv4HeaderBytes, 0)));
}

// Writes a 16-bit word and keeps the TCP checksum (and, for an IPv4 header word,
// the IP header checksum) valid. `in_ip_header`: the word is an address word,
// which the TCP checksum covers through the pseudo-header.
void SynTemplate::patch16(size_t offset, uint16_t value, bool in_ip_header) {
  const uint16_t old = load16(packet_ + offset);
  if (old == value) return;
  store16(packet_ + offset, value);
  uint8_t* tcp = packet_ + ip_header_bytes();
  store16(tcp + kTcpChecksum, checksum_update16(load16(tcp + kTcpChecksum), old, value));
  if (in_ip_header && family_ == 4) store16(packet_ + 10, checksum_update16(load16(packet_ + 10), old, value));
}

void SynTemplate::set(const Address& source, const Address& destination, uint16_t source_port,
                      uint16_t destination_port, uint32_t sequence) {
  const size_t n = address_bytes(family_);
  const size_t source_offset = family_ == 4 ? 12 : 8;
  const size_t destination_offset = family_ == 4 ? 16 : 24;
  for (size_t i = 0; i < n; i += 2) {
    patch16(source_offset + i, load16(source.bytes.data() + i), true);
    patch16(destination_offset + i, load16(destination.bytes.data() + i), true);
  }
  const size_t t = ip_header_bytes();
  patch16(t + kTcpSourcePort, source_port, false);
  patch16(t + kTcpDestinationPort, destination_port, false);
  patch16(t + kTcpSequence, static_cast<uint16_t>(sequence >> 16), false);
  patch16(t + kTcpSequence + 2, static_cast<uint16_t>(sequence), false);
}

namespace {

// Fills the TCP part of `out` from a TCP header (at least 20 bytes).
bool parse_tcp_header(const uint8_t* tcp, size_t length, ParsedReply& out) {
  if (length < 20) return false;
  const size_t data_offset = static_cast<size_t>(tcp[12] >> 4) * 4;
  if (data_offset < 20) return false;  // options may be cut off by a short read: not needed
  out.target_port = load16(tcp + kTcpSourcePort);
  out.local_port = load16(tcp + kTcpDestinationPort);
  out.sequence = load32(tcp + kTcpSequence);
  out.acknowledgment = load32(tcp + kTcpAckNumber);
  out.tcp_flags = tcp[kTcpFlags];
  const bool syn = (out.tcp_flags & kTcpSyn) != 0, ack = (out.tcp_flags & kTcpAck) != 0;
  if (out.tcp_flags & kTcpRst) {
    out.kind = ReplyKind::Rst;
  } else if (syn && ack) {
    out.kind = ReplyKind::SynAck;
  } else if (syn) {
    out.kind = ReplyKind::Syn;
  } else {
    return false;
  }
  return true;
}

// Fills the quoted-probe part of `out` from the TCP bytes quoted in an ICMP error
// (RFC 792 guarantees 8: ports and sequence number).
bool parse_quoted_tcp(const uint8_t* tcp, size_t length, ParsedReply& out) {
  if (length < 8) return false;
  out.local_port = load16(tcp + kTcpSourcePort);
  out.target_port = load16(tcp + kTcpDestinationPort);
  out.quoted_sequence = load32(tcp + kTcpSequence);
  out.has_quoted_sequence = true;
  out.kind = ReplyKind::Icmp;
  return true;
}

void set_address(Address& a, uint8_t family, const uint8_t* bytes) {
  a.family = family;
  a.bytes.fill(0);
  std::memcpy(a.bytes.data(), bytes, address_bytes(family));
}

}  // namespace

bool parse_ipv4_packet(const uint8_t* data, size_t length, ParsedReply& out) {
  out = ParsedReply{};
  if (length < kIpv4HeaderBytes || (data[0] >> 4) != 4) return false;
  const size_t header = static_cast<size_t>(data[0] & 0x0f) * 4;
  size_t total = load16(data + 2);
  if (header < kIpv4HeaderBytes || total < header || header > length) return false;
  if (total > length) total = length;  // a short read (long ICMP quote): the headers are what matter
  if ((load16(data + 6) & 0x1fff) != 0) return false;  // a later fragment carries no header
  out.ttl = data[8];
  const uint8_t protocol = data[9];
  const uint8_t* payload = data + header;
  const size_t payload_length = total - header;
  if (protocol == kProtoTcp) {
    set_address(out.target, 4, data + 12);
    set_address(out.local, 4, data + 16);
    return parse_tcp_header(payload, payload_length, out);
  }
  if (protocol != kProtoIcmp || payload_length < 8 + kIpv4HeaderBytes) return false;
  out.icmp_type = payload[0];
  out.icmp_code = payload[1];
  if (out.icmp_type != 3 && out.icmp_type != 11) return false;  // unreachable, time exceeded
  const uint8_t* quoted = payload + 8;
  const size_t quoted_length = payload_length - 8;
  const size_t quoted_header = static_cast<size_t>(quoted[0] & 0x0f) * 4;
  if ((quoted[0] >> 4) != 4 || quoted_header < kIpv4HeaderBytes || quoted_header > quoted_length ||
      quoted[9] != kProtoTcp)
    return false;
  set_address(out.local, 4, quoted + 12);
  set_address(out.target, 4, quoted + 16);
  return parse_quoted_tcp(quoted + quoted_header, quoted_length - quoted_header, out);
}

bool parse_ipv6_tcp(const uint8_t* tcp, size_t length, const Address& source, const Address& destination,
                    uint8_t hop_limit, ParsedReply& out) {
  out = ParsedReply{};
  out.target = source;
  out.local = destination;
  out.ttl = hop_limit;
  return parse_tcp_header(tcp, length, out);
}

bool parse_icmpv6(const uint8_t* data, size_t length, uint8_t hop_limit, ParsedReply& out) {
  out = ParsedReply{};
  if (length < 8 + kIpv6HeaderBytes) return false;
  out.icmp_type = data[0];
  out.icmp_code = data[1];
  out.ttl = hop_limit;
  if (out.icmp_type != 1 && out.icmp_type != 3) return false;  // destination unreachable, time exceeded
  const uint8_t* quoted = data + 8;
  if ((quoted[0] >> 4) != 6 || quoted[6] != kProtoTcp) return false;  // no extension headers in our SYNs
  set_address(out.local, 6, quoted + 8);
  set_address(out.target, 6, quoted + 24);
  return parse_quoted_tcp(quoted + kIpv6HeaderBytes, length - 8 - kIpv6HeaderBytes, out);
}

bool classify_icmp(uint8_t family, uint8_t type, uint8_t code, PortState& state, Reason& reason) {
  if (family == 4) {
    if (type == 11) {
      state = PortState::Filtered;
      reason = Reason::IcmpOther;
      return true;
    }
    if (type != 3) return false;
    switch (code) {
      case 0: case 6: case 11:  // net unreachable / unknown / for TOS
        state = PortState::Unreachable; reason = Reason::NetUnreachable; return true;
      case 1: case 7: case 12:  // host unreachable / unknown / for TOS
        state = PortState::Unreachable; reason = Reason::HostUnreachable; return true;
      case 3:
        state = PortState::Filtered; reason = Reason::IcmpPortUnreachable; return true;
      case 9: case 10: case 13:  // administratively prohibited
        state = PortState::Filtered; reason = Reason::IcmpProhibited; return true;
      default:
        state = PortState::Filtered; reason = Reason::IcmpOther; return true;
    }
  }
  if (type == 3) {
    state = PortState::Filtered;
    reason = Reason::IcmpOther;
    return true;
  }
  if (type != 1) return false;
  switch (code) {
    case 0: case 2:  // no route, beyond scope of source
      state = PortState::Unreachable; reason = Reason::NetUnreachable; return true;
    case 3:  // address unreachable
      state = PortState::Unreachable; reason = Reason::HostUnreachable; return true;
    case 4:
      state = PortState::Filtered; reason = Reason::IcmpPortUnreachable; return true;
    case 1: case 5: case 6:  // administratively prohibited, source policy, reject route
      state = PortState::Filtered; reason = Reason::IcmpProhibited; return true;
    default:
      state = PortState::Filtered; reason = Reason::IcmpOther; return true;
  }
}

}  // namespace portpick
