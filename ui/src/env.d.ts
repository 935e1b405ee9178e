// Vite turns CSS imports into injected styles; tell TypeScript they exist.
declare module "*.css";
