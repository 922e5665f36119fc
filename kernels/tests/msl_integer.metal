// Pins the MSL integer functions of the emulator's headers (native/msl/common/math_functions.h)
// and the integer semantics the kernel build flags give (-fwrapv, -fsigned-char): bit counts,
// rotate, bit-field extract/insert, mulhi, saturating and halving adds, abs at the limit,
// wrapping overflow, signed char, shifts, and the vector forms.
//
// Table-driven: each thread evaluates one case. Arguments arrive as 64-bit patterns and are
// narrowed to the type under test; signed results are sign-extended to 64 bits.
#include <metal_stdlib>
using namespace metal;

struct IntCase {
    uint op;
    uint unused;
    ulong a;
    ulong b;
    ulong c;
};

struct IntResult {
    ulong r0;
    ulong r1;
    ulong r2;
    ulong r3;
};

// The op numbers test/msl/integer.test.ts uses.
enum IntOp : uint {
    OP_POPCOUNT = 0, OP_CLZ = 1, OP_CTZ = 2, OP_REVERSE_BITS = 3, OP_ROTATE = 4,
    OP_EXTRACT_BITS = 5, OP_INSERT_BITS = 6, OP_MULHI = 7, OP_ABSDIFF = 8, OP_ADDSAT = 9,
    OP_SUBSAT = 10, OP_HADD = 11, OP_RHADD = 12, OP_ABS = 13, OP_MIN_MAX_CLAMP = 14,
    OP_WRAP = 15, OP_CHAR = 16, OP_SHIFTS = 17, OP_VECTOR_CLZ_POPCOUNT = 18,
    OP_VECTOR_ADDSAT = 19, OP_VECTOR_EXTRACT_INSERT = 20, OP_VECTOR_MULHI_ROTATE = 21,
    OP_SMALL_MULHI_HADD = 22,
};

static ulong sx(long v) { return ulong(v); }   // a signed result, sign-extended

static IntResult evaluate(IntCase c)
{
    const ulong a = c.a;
    const ulong b = c.b;
    const ulong k = c.c;
    IntResult r;
    r.r0 = 0; r.r1 = 0; r.r2 = 0; r.r3 = 0;
    switch (c.op) {
    case OP_POPCOUNT:
        r.r0 = popcount(uint(a)); r.r1 = popcount(a); r.r2 = popcount(uchar(a)); r.r3 = sx(popcount(int(a)));
        break;
    case OP_CLZ:
        r.r0 = clz(uint(a)); r.r1 = clz(a); r.r2 = clz(ushort(a)); r.r3 = clz(uchar(a));
        break;
    case OP_CTZ:
        r.r0 = ctz(uint(a)); r.r1 = ctz(a); r.r2 = ctz(ushort(a)); r.r3 = sx(ctz(int(a)));
        break;
    case OP_REVERSE_BITS:
        r.r0 = reverse_bits(uint(a)); r.r1 = reverse_bits(a); r.r2 = reverse_bits(uchar(a));
        r.r3 = ushort(reverse_bits(short(a)));
        break;
    case OP_ROTATE:
        r.r0 = rotate(uint(a), uint(b)); r.r1 = rotate(a, b); r.r2 = rotate(uchar(a), uchar(b));
        r.r3 = uint(rotate(int(a), int(b)));
        break;
    case OP_EXTRACT_BITS:          // offset b, width k
        r.r0 = extract_bits(uint(a), uint(b), uint(k));
        r.r1 = sx(extract_bits(int(a), uint(b), uint(k)));
        r.r2 = extract_bits(a, uint(b), uint(k));
        r.r3 = sx(extract_bits(char(a), uint(b), uint(k)));
        break;
    case OP_INSERT_BITS:           // insert b into a at offset k & 0xff, width k >> 8
        r.r0 = insert_bits(uint(a), uint(b), uint(k & 0xff), uint(k >> 8));
        r.r1 = insert_bits(a, b, uint(k & 0xff), uint(k >> 8));
        r.r2 = sx(insert_bits(int(a), int(b), uint(k & 0xff), uint(k >> 8)));
        r.r3 = insert_bits(uchar(a), uchar(b), uint(k & 0xff), uint(k >> 8));
        break;
    case OP_MULHI:
        r.r0 = mulhi(uint(a), uint(b)); r.r1 = sx(mulhi(int(a), int(b)));
        r.r2 = mulhi(a, b); r.r3 = sx(mulhi(long(a), long(b)));
        break;
    case OP_ABSDIFF:
        r.r0 = uint(absdiff(int(a), int(b))); r.r1 = absdiff(uint(a), uint(b));
        r.r2 = uchar(absdiff(char(a), char(b))); r.r3 = ulong(absdiff(long(a), long(b)));
        break;
    case OP_ADDSAT:
        r.r0 = sx(addsat(int(a), int(b))); r.r1 = addsat(uint(a), uint(b));
        r.r2 = sx(addsat(char(a), char(b))); r.r3 = addsat(uchar(a), uchar(b));
        break;
    case OP_SUBSAT:
        r.r0 = sx(subsat(int(a), int(b))); r.r1 = subsat(uint(a), uint(b));
        r.r2 = sx(subsat(char(a), char(b))); r.r3 = subsat(uchar(a), uchar(b));
        break;
    case OP_HADD:
        r.r0 = sx(hadd(int(a), int(b))); r.r1 = hadd(uint(a), uint(b));
        r.r2 = sx(hadd(long(a), long(b))); r.r3 = hadd(a, b);
        break;
    case OP_RHADD:
        r.r0 = sx(rhadd(int(a), int(b))); r.r1 = rhadd(uint(a), uint(b));
        r.r2 = sx(rhadd(long(a), long(b))); r.r3 = rhadd(a, b);
        break;
    case OP_ABS:
        r.r0 = sx(abs(int(a))); r.r1 = sx(abs(char(a))); r.r2 = sx(abs(long(a))); r.r3 = sx(abs(short(a)));
        break;
    case OP_MIN_MAX_CLAMP:
        r.r0 = sx(min(int(a), int(b))); r.r1 = max(uint(a), uint(b));
        r.r2 = sx(clamp(int(a), int(b), int(k))); r.r3 = sx(max(char(a), char(b)));
        break;
    case OP_WRAP: {                // signed overflow wraps (kernels compile with -fwrapv)
        const int x = int(a);
        const int y = int(b);
        r.r0 = sx(x + y); r.r1 = sx(x * y); r.r2 = sx(-x); r.r3 = sx(x - y);
        break;
    }
    case OP_CHAR: {                // char is signed, as in MSL
        const char ch = char(a);
        char sum = ch;
        sum += char(b);
        r.r0 = sx(ch); r.r1 = ch < 0; r.r2 = sx(sum); r.r3 = uchar(a);
        break;
    }
    case OP_SHIFTS:
        r.r0 = sx(int(a) >> uint(b)); r.r1 = uint(a) >> uint(b);
        r.r2 = sx(int(a) << uint(b)); r.r3 = sx(char(a) >> uint(b));
        break;
    case OP_VECTOR_CLZ_POPCOUNT: {
        const uint4 v = uint4(uint(a), uint(b), uint(k), 0u);
        const uint4 z = clz(v);
        const uint4 t = ctz(v);
        const uint4 p = popcount(v);
        r.r0 = ulong(z.x) | ulong(z.y) << 16 | ulong(z.z) << 32 | ulong(z.w) << 48;
        r.r1 = ulong(t.x) | ulong(t.y) << 16 | ulong(t.z) << 32 | ulong(t.w) << 48;
        r.r2 = ulong(p.x) | ulong(p.y) << 16 | ulong(p.z) << 32 | ulong(p.w) << 48;
        const uint4 rev = reverse_bits(v);
        r.r3 = rev.x;
        break;
    }
    case OP_VECTOR_ADDSAT: {
        const int4 x = int4(int(a), int(b), int(k), -1);
        const int4 y = int4(int(b), int(k), int(a), INT_MIN);
        const int4 s = addsat(x, y);
        const int4 d = subsat(x, y);
        r.r0 = ulong(uint(s.x)) | ulong(uint(s.y)) << 32;
        r.r1 = ulong(uint(s.z)) | ulong(uint(s.w)) << 32;
        r.r2 = ulong(uint(d.x)) | ulong(uint(d.y)) << 32;
        r.r3 = ulong(uint(d.z)) | ulong(uint(d.w)) << 32;
        break;
    }
    case OP_VECTOR_EXTRACT_INSERT: {   // offset k & 0xff, width k >> 8
        const int2 x = int2(int(a), int(b));
        const int2 e = extract_bits(x, uint(k & 0xff), uint(k >> 8));
        const uint2 f = extract_bits(uint2(x), uint(k & 0xff), uint(k >> 8));
        const uint2 g = insert_bits(uint2(x), uint2(0xffffffffu, 0u), uint(k & 0xff), uint(k >> 8));
        r.r0 = ulong(uint(e.x)) | ulong(uint(e.y)) << 32;
        r.r1 = ulong(f.x) | ulong(f.y) << 32;
        r.r2 = ulong(g.x) | ulong(g.y) << 32;
        break;
    }
    case OP_VECTOR_MULHI_ROTATE: {
        const uint2 x = uint2(uint(a), uint(b));
        const uint2 m = mulhi(x, uint2(uint(k)));
        const uint2 t = rotate(x, uint2(4u, 36u));
        const int2 h = hadd(int2(x), int2(-1, -2));
        r.r0 = ulong(m.x) | ulong(m.y) << 32;
        r.r1 = ulong(t.x) | ulong(t.y) << 32;
        r.r2 = ulong(uint(h.x)) | ulong(uint(h.y)) << 32;
        r.r3 = ulong(uint(absdiff(int2(x), int2(INT_MAX)).x));
        break;
    }
    case OP_SMALL_MULHI_HADD:
        r.r0 = sx(mulhi(short(a), short(b))); r.r1 = mulhi(uchar(a), uchar(b));
        r.r2 = sx(hadd(char(a), char(b))); r.r3 = rhadd(ushort(a), ushort(b));
        break;
    default:
        r.r0 = ~0ul;
        break;
    }
    return r;
}

kernel void msl_integer(device const IntCase* cases [[buffer(0)]],
                        device IntResult* results [[buffer(1)]],
                        uint tid [[thread_index_in_threadgroup]])
{
    results[tid] = evaluate(cases[tid]);
}
