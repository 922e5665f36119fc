// Types for generate_scenes.mjs (a plain Node script), so TypeScript tests can import it.

/** Builders of the generated fixture scenes, by file name under fixtures/scenes/. */
export const GENERATED_SCENES: Readonly<Record<string, () => object>>;

/** The exact text a builder's scene is written as. */
export function sceneText(build: () => object): string;

/** Writes every generated scene into outputDir. */
export function generate(outputDir: string): void;
