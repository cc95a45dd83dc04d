variable "name" {
  description = "Prefix for the key alias, e.g. folio-dev."
  type        = string
}
