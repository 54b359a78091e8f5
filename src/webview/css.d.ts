// Style sheets imported for their side effect: esbuild writes them beside the bundle (dist/*.css).
declare module '*.css';
