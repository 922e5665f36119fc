import { fuzzChunk } from './fuzz_chunk.js';

fuzzChunk(1);
