/// A client of the Kubernetes API: kubeconfig, credentials, discovery, server-side apply.
public enum KubernetesAPI {}
