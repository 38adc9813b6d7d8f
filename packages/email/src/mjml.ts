import { createRequire } from 'node:module';

/** One problem reported by MJML's validator (`line` is in the MJML that was compiled). */
export interface MjmlIssue {
  line: number | undefined;
  tagName: string | undefined;
  message: string;
}

/** The compiled MJML was refused: strict validation failed or it did not parse. */
export class MjmlError extends Error {
  override readonly name = 'MjmlError';
  readonly issues: MjmlIssue[];
  constructor(issues: MjmlIssue[], options?: { cause?: unknown }) {
    super(issues.map((i) => (i.line === undefined ? i.message : `line ${i.line}: ${i.message}`)).join('; '), options);
    this.issues = issues;
  }
}

/** The slice of mjml 5's API used here. mjml ships no types and `@types/mjml` describes v4 (sync). */
type Mjml2Html = (
  input: string,
  options: {
    validationLevel: 'strict';
    ignoreIncludes: boolean;
    keepComments: boolean;
    minify: boolean;
    beautify: boolean;
  },
) => Promise<{ html: string; errors: unknown[] }>;

// createRequire instead of `import`: a typed CommonJS load without an ambient module declaration
// that would have to travel with this package's published types. Loaded on first use: mjml (and
// the CSS inliner it pulls in) is tens of MB that a worker without mail, or an API that never
// previews a template, would carry for nothing (issue 9).
let loaded: Mjml2Html | undefined;
const mjml2html: Mjml2Html = (input, options) => {
  loaded ??= createRequire(import.meta.url)('mjml') as Mjml2Html;
  return loaded(input, options);
};

function issueOf(raw: unknown): MjmlIssue {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    line: typeof record.line === 'number' ? record.line : undefined,
    tagName: typeof record.tagName === 'string' ? record.tagName : undefined,
    message: typeof record.message === 'string' ? record.message : String(raw),
  };
}

/**
 * Compiles MJML to HTML with strict validation (unknown tags, bad attributes and misplaced
 * elements are errors, not warnings). `mj-include` is ignored so a template cannot read files.
 * @throws MjmlError listing every issue with its line in `source`.
 */
export async function compileMjml(source: string): Promise<string> {
  try {
    const result = await mjml2html(source, {
      validationLevel: 'strict',
      ignoreIncludes: true,
      keepComments: false,
      minify: false,
      beautify: false,
    });
    return result.html;
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) throw new MjmlError(errors.map(issueOf), { cause: error });
    const message = error instanceof Error ? error.message : String(error);
    throw new MjmlError([{ line: undefined, tagName: undefined, message: `not valid MJML (${message})` }], {
      cause: error,
    });
  }
}
