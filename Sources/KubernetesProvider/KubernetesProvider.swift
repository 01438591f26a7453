import KubernetesClient
/// The kubernetes provider.
public enum KubernetesProviderPlaceholder {}
