//! The site's view of the API in `serve` mode: the same contract as over HTTP, answered
//! in-process with no network hop.

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use folio_api::{ContactError, ContactService};
use folio_domain::{NewContactMessage, Project};
use folio_site::backend::{Backend, BackendError, ContactFields, SubmitError};
use folio_store::Store;

/// The API's store and contact service, used directly.
#[derive(Debug)]
pub struct InProcess {
    pub store: Arc<dyn Store>,
    pub contact: Arc<ContactService>,
}

#[async_trait]
impl Backend for InProcess {
    async fn projects(&self) -> Result<Arc<Vec<Project>>, BackendError> {
        self.store.list_active_projects().await.map_err(|e| BackendError::Unavailable(e.chain()))
    }

    async fn submit_contact(&self, fields: ContactFields, client: IpAddr) -> Result<(), SubmitError> {
        let submission = NewContactMessage::from_form(|name| fields.field(name));
        self.contact.submit(submission, client).await.map_err(|e| match e {
            ContactError::Invalid(errors) => SubmitError::Invalid(errors.into_messages()),
            ContactError::RateLimited(wait) => SubmitError::RateLimited(wait),
            ContactError::Busy(_) => SubmitError::Unavailable("the budget for all clients is spent".to_owned()),
            ContactError::InboxFull(max) => {
                SubmitError::Unavailable(format!("the inbox holds {max} unread messages, its cap"))
            }
            ContactError::Store(error) => SubmitError::Unavailable(error.chain()),
        })
    }
}
