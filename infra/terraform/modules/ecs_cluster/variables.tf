variable "name" {
  description = "Cluster name, e.g. folio-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC whose resolver answers for the private namespace."
  type        = string
}

variable "namespace" {
  description = "Private DNS namespace for service discovery."
  type        = string
}
