// setupFiles of the jest project "integration-cluster": its tests use the cluster stack (--nodes 2).
process.env.HEALTHLAKE_IT_TOPOLOGY = 'cluster';
