/**
 * The office UI's entry point, bundled by esbuild into /app.js (src/web/web.build.ts): the hash
 * router and page shell (`app.tsx`) and the pages it opens.
 */
import './app.js';
