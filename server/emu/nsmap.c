/* micetro-emu: the XML namespace table gSOAP generated for our WSDL. */
#include "soapH.h"
#include "ServiceSoap.nsmap"
