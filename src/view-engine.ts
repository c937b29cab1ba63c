import { createRequire } from 'node:module';
import type { Express } from 'express';

// ejs ships no types; renderFile is the one function used.
const ejs = createRequire(import.meta.url)('ejs') as {
  renderFile(
    file: string,
    data: object,
    options: { root: string; cache: boolean },
    done: (error: Error | null, html?: string) => void,
  ): void;
};

/**
 * The EJS pages of `viewsDir`. Includes name their file from there (`/partials/head`, EJS's
 * `root`): a relative include makes EJS look for the file on disk at every render, cached
 * templates or not (`existsSync` was 1.4% of the app's samples in the `npm run bench` profile).
 */
export function useViews(app: Express, viewsDir: string): void {
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.engine('ejs', (file, data, done) =>
    ejs.renderFile(file, data, { root: viewsDir, cache: app.enabled('view cache') }, done),
  );
}
