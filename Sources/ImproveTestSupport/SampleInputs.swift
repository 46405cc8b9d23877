/// Input files written out in full, shared by the tests that check them and the fuzzers that
/// mutate them.
public enum SampleInputs {
    /// A providers.yaml that adds a provider (with a key variable, limits and a price) and
    /// changes one field of a built-in.
    public static let providersYAML = """
        providers:
          vllm:
            kind: openai
            baseURL: http://gpu-box:8000/v1
            apiKeyEnv: VLLM_API_KEY
            concurrency: 8
            timeoutSeconds: 60
            maxRetries: 4
            allowServedModelMismatch: false
            prices:
              qwen: { inputPerMillion: 0.1, outputPerMillion: 0.2 }
          openai:
            concurrency: 2
        """
}
