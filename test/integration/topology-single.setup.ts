// setupFiles of the jest project "integration": its tests use the single-node stack.
process.env.HEALTHLAKE_IT_TOPOLOGY = 'single';
