/**
 * What a trace holds, decoded (docs/TRACE_FORMAT.md has the bytes). A trace is a header, one frame
 * record per frame in order, checkpoints between some frames, and an end record once it is closed.
 */
import type { HostOperation } from '../os/host_operations.js';

export type { HostOperation };

export interface TraceConfig {
  width: number;
  height: number;
  /** The emulator schedule seed of the recording session. */
  seed: bigint;
  /** A checkpoint follows every this many frames. */
  checkpointInterval: number;
}

export interface TraceHeader {
  /** The trace format version that wrote the file. */
  format: number;
  /** The program that wrote it, e.g. "gpuos-replay 0.1.0". */
  writer: string;
  name: string;
  description: string;
  /** The OS ABI the device memory was laid out by: gpuos_abi.h's version and a digest of its layout. */
  abi: { version: number; layoutDigest: string };
  /** A digest of the kernel's sources when recorded (a replay with another kernel is a regression test). */
  kernelDigest: string;
  backend: string;
  config: TraceConfig;
  /** The scene, as JSON (docs/SCENES.md). */
  scene: unknown;
}

/** A block of the framebuffer (DIGEST_BLOCK_SIZE square) whose pixels changed, and their digest. */
export interface BlockDigest {
  index: number;
  digest: number;
}

export interface FrameRecord {
  /** 0 for the first frame. */
  index: number;
  timeUs: number;
  deltaUs: number;
  fullRedraw: boolean;
  /** Written before this frame's dispatch: what the kernel will see. */
  operations: HostOperation[];
  /** After the frame: XXH64 over the digests of all device memory (state, framebuffer blocks, damage signatures). */
  digest: bigint;
  /** The tracked state bytes that changed (state_regions.ts). */
  stateRuns: (number | Uint8Array)[];
  /** Region digests, present when the region changed. */
  queueDigest?: bigint;
  primitivesDigest?: bigint;
  signaturesDigest?: bigint;
  /** Blocks of the framebuffer whose pixels changed. */
  blocks: BlockDigest[];
}

/** A frame whose framebuffer is compared with a golden image, golden/<trace>/<name>.png. */
export interface GoldenMark {
  frame: number;
  name: string;
}

export interface CheckpointRecord {
  /** The frame this is the state after. */
  frame: number;
  timeUs: number;
  deltaUs: number;
  /** The OS state (buffer 0), framebuffer and damage signatures, compressed. */
  state: Uint8Array;
  pixels: Uint8Array;
  signatures: Uint8Array;
}

export interface EndRecord {
  frames: number;
  digest: bigint;
}
